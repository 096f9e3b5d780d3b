// The access policy's rule table and its evaluation. Pure and thread-safe (constant tables).
#include "engine/access_policy.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <string>

namespace heat {
namespace {

constexpr std::size_t kRoleCount = std::size(kAllRoles);

constexpr std::size_t role_index(Role r) { return static_cast<std::size_t>(r); }

// ---------------------------------------------------------------------------------------
// Grants: how one role may do one action. Record-level grants refuse with 404 when the
// caller could not even read the record, so a refusal never confirms that it exists.

enum class Grant : unsigned char {
  unset,            // no rule written: a bug; decide() denies and sets no_rule
  never,            // 403, whatever the record (says nothing about it)
  always,           // allowed; needs no record
  proposed_unit,    // creating a record: in the caller's own unit allow, in another unit 403
                    // (the caller named that unit itself, nothing is revealed)
  unit,             // the record's unit is the caller's, or the caller is on its DDA team:
                    // allow; else 404
  team,             // the caller is on the record's DDA team (lead, assigned, or a DDA of a
                    // linked case): allow; same unit (so the caller can read it): 403; else 404
  victim_advocate,  // the caller is the victim's advocate: allow; else 404
  linked_advocate,  // the caller is the advocate of a victim linked to the case: allow; else 404
  owner,            // the caller owns the record: allow; else 404
  mdt_attendee,     // the caller's agency attends the meeting under an MOU: allow; else 404
};

struct Rule {
  Action action;
  ContextUse context;
  std::array<Grant, kRoleCount> by_role;  // in the order of Role: dda, advocate, supervisor,
                                          // leadership, mdt_partner, admin
};

// Short names so the table below reads as a table.
constexpr Grant no = Grant::never, ok = Grant::always, prop = Grant::proposed_unit,
                unit = Grant::unit, team = Grant::team, vadv = Grant::victim_advocate,
                ladv = Grant::linked_advocate, own = Grant::owner, mdt = Grant::mdt_attendee;
constexpr ContextUse none = ContextUse::none, opt = ContextUse::optional,
                     rec = ContextUse::required, newrec = ContextUse::proposed;

// The rules. Where API.md and DESIGN.md are silent, the choice is the least privilege a DA's
// office would expect, and the reason is written beside it.
//
// - DDAs read every record of their unit's cases (coverage: any deputy may stand in at a
//   hearing), but change only the cases they are on (lead or assigned); a same-unit DDA who
//   is not on the case gets 403 (they can read it, so its existence is no secret).
//   Assignment reaches across units: a DDA assigned to another unit's case works it.
// - Supervisors may do everything a DDA may within their unit, on every case of the unit,
//   plus reassignment and Marsy's-law waivers. Not victims' identities (DESIGN: only the
//   assigned advocate and the case's DDAs) unless they are themselves on a linked case, and
//   not service plan entries (the advocate's work; supervisors may read them for oversight).
// - Leadership sees aggregates only: metrics, the dashboard, and reference data. No case,
//   victim or evidence record.
// - Advocates see their own victims (the victim's advocate) and the cases those victims are
//   linked to: the case, the prosecution (stage, custody, warrant and charges are the public
//   court record, and custody and warrant status are safety information the advocate must
//   have), court events, Marsy's-law entries (advocates record notice and conferral), the
//   MDT. Never the DDAs' work product: evidence, custody, disclosures, deadlines, the
//   prosecution's internal history, charging and workflow writes.
// - DDAs do not read service plans or MDT reviews: what the prosecution team knows about a
//   victim's mental health, substance use or immigration matters can become discoverable,
//   so that stays with the advocate. They do not attend the MDT agenda either.
// - MDT partners see only the agenda of meetings their agency attends, field by field as
//   its MOU scope allows; nothing else (not even reference data).
// - Admins run the system: users, audit, feeds, court closures, agencies, the dashboard,
//   evidence-chain verification (valid or not, no content). Never a case, victim, or any
//   victim identity; not matching feed rows to cases (that is case work).
// - Every authenticated user may read and revoke their own session, enrol TOTP, list and
//   mark their own notifications.
// clang-format off
constexpr Rule kRules[] = {
//  action                            context   dda   advocate supervisor leadership mdt_partner admin
  // public and self
  {Action::health_read,               none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  {Action::ops_metrics_read,          none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  {Action::auth_login,                none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  {Action::calendar_feed_read,        none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  {Action::auth_me,                   none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  {Action::auth_logout,               none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  {Action::auth_totp_enroll,          none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  // reference data: public law and the court's calendar; MDT partners need none of it
  {Action::statute_list,              none,   {ok,   ok,   ok,   ok,   no,   ok  }},
  {Action::court_days_read,           none,   {ok,   ok,   ok,   ok,   no,   ok  }},
  {Action::metrics_definitions_read,  none,   {ok,   ok,   ok,   ok,   no,   ok  }},
  // ----------------------------------------------------------------------------------------
  // cases: advocates come to a case through their victims and do not list the unit's cases
  {Action::case_create,               newrec, {prop, no,   prop, no,   no,   no  }},
  {Action::case_list,                 none,   {ok,   no,   ok,   no,   no,   no  }},
  {Action::case_read,                 rec,    {unit, ladv, unit, no,   no,   no  }},
  {Action::case_update,               rec,    {team, no,   unit, no,   no,   no  }},
  {Action::case_reassign,             rec,    {no,   no,   unit, no,   no,   no  }},
  {Action::prosecution_create,        rec,    {team, no,   unit, no,   no,   no  }},
  {Action::prosecution_read,          rec,    {unit, ladv, unit, no,   no,   no  }},
  {Action::prosecution_event,         rec,    {team, no,   unit, no,   no,   no  }},
  {Action::prosecution_history,       rec,    {unit, no,   unit, no,   no,   no  }},
  {Action::charge_create,             rec,    {team, no,   unit, no,   no,   no  }},
  {Action::charge_update,             rec,    {team, no,   unit, no,   no,   no  }},
  // ----------------------------------------------------------------------------------------
  // deadlines (DDA work management) and the court calendar
  {Action::deadline_list,             none,   {ok,   no,   ok,   no,   no,   no  }},
  {Action::prosecution_deadlines,     rec,    {unit, no,   unit, no,   no,   no  }},
  {Action::deadline_waive,            rec,    {team, no,   unit, no,   no,   no  }},
  {Action::court_closure_write,       none,   {no,   no,   no,   no,   no,   ok  }},
  {Action::court_event_list,          opt,    {unit, ladv, unit, no,   no,   no  }},
  // hearings are set by the prosecution team, not by advocates
  {Action::court_event_create,        rec,    {team, no,   unit, no,   no,   no  }},
  // ----------------------------------------------------------------------------------------
  // court feeds: a feed belongs to a unit; admins manage every feed. Matching an unmatched
  // row attaches a hearing to a case, so it needs write access to that case (the record).
  {Action::feed_create,               none,   {ok,   no,   ok,   no,   no,   ok  }},
  {Action::feed_list,                 none,   {ok,   no,   ok,   no,   no,   ok  }},
  {Action::feed_read,                 rec,    {unit, no,   unit, no,   no,   ok  }},
  {Action::feed_import,               rec,    {unit, no,   unit, no,   no,   ok  }},
  {Action::feed_poll,                 rec,    {unit, no,   unit, no,   no,   ok  }},
  {Action::feed_unmatched,            rec,    {unit, no,   unit, no,   no,   ok  }},
  {Action::feed_match,                rec,    {team, no,   unit, no,   no,   no  }},
  // calendar subscriptions: for the roles that have hearings; an admin may revoke any
  // (a security measure that reveals nothing)
  {Action::calendar_subscribe,        none,   {ok,   ok,   ok,   no,   no,   no  }},
  {Action::calendar_unsubscribe,      rec,    {own,  own,  own,  no,   no,   ok  }},
  // ----------------------------------------------------------------------------------------
  // victims: DDAs of the unit may read the pseudonymous record (it is on their unit's
  // cases); other advocates may not (a victim is their advocate's client)
  {Action::victim_create,             newrec, {prop, prop, prop, no,   no,   no  }},
  {Action::victim_read,               rec,    {unit, vadv, unit, no,   no,   no  }},
  {Action::victim_identity_read,      rec,    {team, vadv, team, no,   no,   no  }},
  {Action::victim_link,               rec,    {team, no,   unit, no,   no,   no  }},
  {Action::service_plan_read,         rec,    {no,   vadv, unit, no,   no,   no  }},
  {Action::service_plan_write,        rec,    {no,   vadv, no,   no,   no,   no  }},
  // Safety Net (MDT): run by advocates and the unit's supervisor
  {Action::agency_create,             none,   {no,   no,   no,   no,   no,   ok  }},
  {Action::mdt_meeting_create,        none,   {no,   ok,   ok,   no,   no,   no  }},
  {Action::mdt_review_create,         rec,    {no,   vadv, unit, no,   no,   no  }},
  {Action::mdt_agenda_read,           rec,    {no,   unit, unit, no,   mdt,  no  }},
  // ----------------------------------------------------------------------------------------
  // Marsy's Law: advocates record notice and conferral for their victims; only a
  // supervisor records a waiver (API.md)
  {Action::victim_rights_write,       rec,    {team, ladv, unit, no,   no,   no  }},
  {Action::victim_rights_waive,       rec,    {no,   no,   unit, no,   no,   no  }},
  {Action::victim_rights_read,        rec,    {unit, ladv, unit, no,   no,   no  }},
  // a criminal protective order is sought by the prosecutor
  {Action::protective_order_create,   rec,    {team, no,   unit, no,   no,   no  }},
  {Action::notification_list,         none,   {ok,   ok,   ok,   ok,   ok,   ok  }},
  {Action::notification_mark_read,    rec,    {own,  own,  own,  own,  own,  own }},
  // ----------------------------------------------------------------------------------------
  // evidence and discovery: DDA work product
  {Action::evidence_create,           rec,    {team, no,   unit, no,   no,   no  }},
  {Action::evidence_custody,          rec,    {team, no,   unit, no,   no,   no  }},
  {Action::evidence_custody_read,     rec,    {unit, no,   unit, no,   no,   no  }},
  {Action::evidence_verify,           rec,    {unit, no,   unit, no,   no,   ok  }},
  {Action::disclosure_create,         rec,    {team, no,   unit, no,   no,   no  }},
  {Action::disclosure_list,           rec,    {unit, no,   unit, no,   no,   no  }},
  // ----------------------------------------------------------------------------------------
  // aggregates (small cells suppressed) and administration
  {Action::metrics_read,              none,   {no,   no,   ok,   ok,   no,   ok  }},
  {Action::victim_metrics_read,       none,   {no,   no,   ok,   ok,   no,   ok  }},
  {Action::dashboard_view,            none,   {no,   no,   ok,   ok,   no,   ok  }},
  {Action::audit_list,                none,   {no,   no,   no,   no,   no,   ok  }},
  {Action::audit_verify,              none,   {no,   no,   no,   no,   no,   ok  }},
  {Action::user_admin,                none,   {no,   no,   no,   no,   no,   ok  }},
};
// clang-format on

// A new Action without its rule (or a rule out of order) does not compile.
constexpr bool rules_in_action_order() {
  if (std::size(kRules) != kActionCount) return false;
  for (std::size_t i = 0; i < kActionCount; ++i) {
    if (kRules[i].action != static_cast<Action>(i)) return false;
    for (Grant g : kRules[i].by_role) {
      if (g == Grant::unset) return false;
      // A record-less action cannot ask about a record.
      if (kRules[i].context == ContextUse::none && g != Grant::never && g != Grant::always) return false;
    }
  }
  return true;
}
static_assert(rules_in_action_order(),
              "kRules needs one row per Action, in declaration order, a grant for every role, and "
              "only never/always on record-less actions");

const Rule* find_rule(Action action) {
  const auto i = static_cast<std::size_t>(action);
  return i < std::size(kRules) ? &kRules[i] : nullptr;
}

bool same(std::string_view a, std::string_view b) { return !a.empty() && a == b; }

bool listed(const std::vector<std::string>& ids, std::string_view id) {
  return !id.empty() && std::find(ids.begin(), ids.end(), id) != ids.end();
}

bool on_team(const Principal& p, const RecordContext& r) {
  return same(p.user_id, r.lead_dda_id) || listed(r.assigned_dda_ids, p.user_id) ||
         listed(r.linked_dda_ids, p.user_id);
}

Decision allow(std::string_view reason) { return {Outcome::allow, reason, false, false}; }
Decision forbid(std::string_view reason) { return {Outcome::deny_forbidden, reason, false, false}; }
Decision hide(std::string_view reason) { return {Outcome::deny_not_found, reason, false, false}; }

Decision evaluate(Grant grant, const Principal& p, const RecordContext& r) {
  switch (grant) {
    case Grant::unset:
    case Grant::never:
    case Grant::always:
      break;  // decided before a record is looked at
    case Grant::proposed_unit:
      return same(p.unit, r.unit) ? allow("proposed_unit: the caller's unit")
                                  : forbid("proposed_unit: not the caller's unit");
    case Grant::unit:
      if (same(p.unit, r.unit)) return allow("unit: the caller's unit");
      if (on_team(p, r)) return allow("unit: on the record's team");
      return hide("unit: another unit's record");
    case Grant::team:
      if (on_team(p, r)) return allow("team: on the record's team");
      if (same(p.unit, r.unit)) return forbid("team: not on the record's team");
      return hide("team: another unit's record");
    case Grant::victim_advocate:
      return same(p.user_id, r.victim_advocate_id) ? allow("victim_advocate: the victim's advocate")
                                                   : hide("victim_advocate: not the victim's advocate");
    case Grant::linked_advocate:
      return listed(r.advocate_ids, p.user_id) ? allow("linked_advocate: advocate of a linked victim")
                                               : hide("linked_advocate: no linked victim of the caller");
    case Grant::owner:
      return same(p.user_id, r.owner_user_id) ? allow("owner: the caller's own record")
                                              : hide("owner: another user's record");
    case Grant::mdt_attendee:
      return listed(r.agency_ids, p.agency_id) ? allow("mdt_attendee: the caller's agency attends")
                                               : hide("mdt_attendee: the caller's agency does not attend");
  }
  assert(false && "evaluate() called with a role-level grant");
  return hide("internal: role-level grant");
}

Decision no_rule_decision() {
  Decision d = hide("no rule for this action and role");
  d.no_rule = true;
  return d;
}

// ---------------------------------------------------------------------------------------
// The expected outcomes, written as outcomes (not as grants) so that the test of decide()
// compares two independent statements of the policy. Three letters per role, for the
// relations own_assigned, own_unassigned, other_unit: A allow, F 403, N 404.

struct Expected {
  Action action;
  std::array<const char*, kRoleCount> by_role;  // dda, advocate, supervisor, leadership,
                                                // mdt_partner, admin
};

// clang-format off
constexpr Expected kExpected[] = {
//  action                             dda    advocate supervisor leadership mdt_partner admin
  {Action::health_read,               {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::ops_metrics_read,          {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::auth_login,                {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::calendar_feed_read,        {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::auth_me,                   {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::auth_logout,               {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::auth_totp_enroll,          {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::statute_list,              {"AAA", "AAA", "AAA", "AAA", "FFF", "AAA"}},
  {Action::court_days_read,           {"AAA", "AAA", "AAA", "AAA", "FFF", "AAA"}},
  {Action::metrics_definitions_read,  {"AAA", "AAA", "AAA", "AAA", "FFF", "AAA"}},
  {Action::case_create,               {"AAF", "FFF", "AAF", "FFF", "FFF", "FFF"}},
  {Action::case_list,                 {"AAA", "FFF", "AAA", "FFF", "FFF", "FFF"}},
  {Action::case_read,                 {"AAN", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::case_update,               {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::case_reassign,             {"FFF", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::prosecution_create,        {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::prosecution_read,          {"AAN", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::prosecution_event,         {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::prosecution_history,       {"AAN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::charge_create,             {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::charge_update,             {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::deadline_list,             {"AAA", "FFF", "AAA", "FFF", "FFF", "FFF"}},
  {Action::prosecution_deadlines,     {"AAN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::deadline_waive,            {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::court_closure_write,       {"FFF", "FFF", "FFF", "FFF", "FFF", "AAA"}},
  {Action::court_event_list,          {"AAN", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::court_event_create,        {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::feed_create,               {"AAA", "FFF", "AAA", "FFF", "FFF", "AAA"}},
  {Action::feed_list,                 {"AAA", "FFF", "AAA", "FFF", "FFF", "AAA"}},
  {Action::feed_read,                 {"AAN", "FFF", "AAN", "FFF", "FFF", "AAA"}},
  {Action::feed_import,               {"AAN", "FFF", "AAN", "FFF", "FFF", "AAA"}},
  {Action::feed_poll,                 {"AAN", "FFF", "AAN", "FFF", "FFF", "AAA"}},
  {Action::feed_unmatched,            {"AAN", "FFF", "AAN", "FFF", "FFF", "AAA"}},
  {Action::feed_match,                {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::calendar_subscribe,        {"AAA", "AAA", "AAA", "FFF", "FFF", "FFF"}},
  {Action::calendar_unsubscribe,      {"ANN", "ANN", "ANN", "FFF", "FFF", "AAA"}},
  {Action::victim_create,             {"AAF", "AAF", "AAF", "FFF", "FFF", "FFF"}},
  {Action::victim_read,               {"AAN", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::victim_identity_read,      {"AFN", "ANN", "AFN", "FFF", "FFF", "FFF"}},
  {Action::victim_link,               {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::service_plan_read,         {"FFF", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::service_plan_write,        {"FFF", "ANN", "FFF", "FFF", "FFF", "FFF"}},
  {Action::agency_create,             {"FFF", "FFF", "FFF", "FFF", "FFF", "AAA"}},
  {Action::mdt_meeting_create,        {"FFF", "AAA", "AAA", "FFF", "FFF", "FFF"}},
  {Action::mdt_review_create,         {"FFF", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::mdt_agenda_read,           {"FFF", "AAN", "AAN", "FFF", "ANN", "FFF"}},
  {Action::victim_rights_write,       {"AFN", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::victim_rights_waive,       {"FFF", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::victim_rights_read,        {"AAN", "ANN", "AAN", "FFF", "FFF", "FFF"}},
  {Action::protective_order_create,   {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::notification_list,         {"AAA", "AAA", "AAA", "AAA", "AAA", "AAA"}},
  {Action::notification_mark_read,    {"ANN", "ANN", "ANN", "ANN", "ANN", "ANN"}},
  {Action::evidence_create,           {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::evidence_custody,          {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::evidence_custody_read,     {"AAN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::evidence_verify,           {"AAN", "FFF", "AAN", "FFF", "FFF", "AAA"}},
  {Action::disclosure_create,         {"AFN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::disclosure_list,           {"AAN", "FFF", "AAN", "FFF", "FFF", "FFF"}},
  {Action::metrics_read,              {"FFF", "FFF", "AAA", "AAA", "FFF", "AAA"}},
  {Action::victim_metrics_read,       {"FFF", "FFF", "AAA", "AAA", "FFF", "AAA"}},
  {Action::dashboard_view,            {"FFF", "FFF", "AAA", "AAA", "FFF", "AAA"}},
  {Action::audit_list,                {"FFF", "FFF", "FFF", "FFF", "FFF", "AAA"}},
  {Action::audit_verify,              {"FFF", "FFF", "FFF", "FFF", "FFF", "AAA"}},
  {Action::user_admin,                {"FFF", "FFF", "FFF", "FFF", "FFF", "AAA"}},
};

// Every route of API.md, and the few that issue 3 adds (contract = false).
constexpr RouteSpec kRoutes[] = {
  {"GET",    "/healthz",                                        Action::health_read},
  {"GET",    "/readyz",                                         Action::health_read},
  {"GET",    "/metrics",                                        Action::ops_metrics_read},
  {"POST",   "/api/v1/auth/login",                              Action::auth_login},
  {"GET",    "/login",                                          Action::auth_login},
  {"GET",    "/api/v1/auth/me",                                 Action::auth_me},
  {"POST",   "/api/v1/auth/logout",                             Action::auth_logout},
  {"POST",   "/api/v1/auth/totp",                               Action::auth_totp_enroll, std::nullopt, false},
  {"POST",   "/api/v1/cases",                                   Action::case_create},
  {"GET",    "/api/v1/cases",                                   Action::case_list},
  {"GET",    "/api/v1/cases/{id}",                              Action::case_read},
  {"PATCH",  "/api/v1/cases/{id}",                              Action::case_update},
  {"POST",   "/api/v1/cases/reassign",                          Action::case_reassign},
  {"POST",   "/api/v1/cases/{id}/prosecutions",                 Action::prosecution_create},
  {"GET",    "/api/v1/prosecutions/{id}",                       Action::prosecution_read},
  {"POST",   "/api/v1/prosecutions/{id}/events",                Action::prosecution_event},
  {"GET",    "/api/v1/prosecutions/{id}/history",               Action::prosecution_history},
  {"POST",   "/api/v1/prosecutions/{id}/history/{seq}/correction", Action::prosecution_event, std::nullopt, false},
  {"GET",    "/api/v1/statutes",                                Action::statute_list},
  {"POST",   "/api/v1/prosecutions/{id}/charges",               Action::charge_create},
  {"PATCH",  "/api/v1/charges/{id}",                            Action::charge_update},
  {"GET",    "/api/v1/prosecutions/{id}/deadlines",             Action::prosecution_deadlines},
  {"GET",    "/api/v1/deadlines",                               Action::deadline_list},
  {"POST",   "/api/v1/deadlines/{id}/waive",                    Action::deadline_waive},
  {"GET",    "/api/v1/court-days",                              Action::court_days_read},
  {"GET",    "/api/v1/court-days/add",                          Action::court_days_read},
  {"POST",   "/api/v1/court-closures",                          Action::court_closure_write},
  {"DELETE", "/api/v1/court-closures",                          Action::court_closure_write},
  {"GET",    "/api/v1/court-events",                            Action::court_event_list},
  {"POST",   "/api/v1/court-events",                            Action::court_event_create},
  {"POST",   "/api/v1/feeds",                                   Action::feed_create},
  {"GET",    "/api/v1/feeds",                                   Action::feed_list, std::nullopt, false},
  {"GET",    "/api/v1/feeds/{id}",                              Action::feed_read, std::nullopt, false},
  {"POST",   "/api/v1/feeds/{id}/import",                       Action::feed_import},
  {"POST",   "/api/v1/feeds/{id}/poll",                         Action::feed_poll},
  {"GET",    "/api/v1/feeds/{id}/unmatched",                    Action::feed_unmatched},
  {"POST",   "/api/v1/feeds/{id}/unmatched/{rid}/match",        Action::feed_match},
  {"POST",   "/api/v1/calendar-subscriptions",                  Action::calendar_subscribe},
  {"DELETE", "/api/v1/calendar-subscriptions/{id}",             Action::calendar_unsubscribe},
  {"GET",    "/calendar/{token}",                               Action::calendar_feed_read, std::nullopt, false},
  {"POST",   "/api/v1/victims",                                 Action::victim_create},
  {"GET",    "/api/v1/victims/{id}",                            Action::victim_read, Action::victim_identity_read},
  {"POST",   "/api/v1/victims/{id}/links",                      Action::victim_link},
  {"GET",    "/api/v1/victims/{id}/service-plan",               Action::service_plan_read},
  {"POST",   "/api/v1/victims/{id}/service-plan/items",         Action::service_plan_write},
  {"PATCH",  "/api/v1/victims/{id}/service-plan/items/{item_id}", Action::service_plan_write},
  {"POST",   "/api/v1/agencies",                                Action::agency_create},
  {"POST",   "/api/v1/mdt/meetings",                            Action::mdt_meeting_create},
  {"POST",   "/api/v1/mdt/reviews",                             Action::mdt_review_create},
  {"GET",    "/api/v1/mdt/agenda",                              Action::mdt_agenda_read},
  {"POST",   "/api/v1/prosecutions/{id}/victim-rights",         Action::victim_rights_write, Action::victim_rights_waive},
  {"GET",    "/api/v1/prosecutions/{id}/victim-rights",         Action::victim_rights_read},
  {"POST",   "/api/v1/prosecutions/{id}/protective-orders",     Action::protective_order_create},
  {"GET",    "/api/v1/notifications",                           Action::notification_list},
  {"POST",   "/api/v1/notifications/{id}/read",                 Action::notification_mark_read},
  {"POST",   "/api/v1/cases/{id}/evidence",                     Action::evidence_create},
  {"POST",   "/api/v1/evidence/{id}/custody",                   Action::evidence_custody},
  {"GET",    "/api/v1/evidence/{id}/custody",                   Action::evidence_custody_read},
  {"GET",    "/api/v1/evidence/{id}/verify",                    Action::evidence_verify},
  {"POST",   "/api/v1/evidence/{id}/disclosures",               Action::disclosure_create},
  {"GET",    "/api/v1/cases/{id}/disclosures",                  Action::disclosure_list},
  {"GET",    "/api/v1/evidence/{id}",                           Action::evidence_custody_read, std::nullopt, false},
  {"PATCH",  "/api/v1/evidence/{id}",                           Action::evidence_create, std::nullopt, false},
  {"GET",    "/api/v1/cases/{id}/discovery-manifest",           Action::disclosure_list, std::nullopt, false},
  {"GET",    "/api/v1/metrics/prosecutions",                    Action::metrics_read},
  {"GET",    "/api/v1/metrics/victims",                         Action::victim_metrics_read},
  {"GET",    "/api/v1/metrics/definitions",                     Action::metrics_definitions_read},
  {"GET",    "/dashboard",                                      Action::dashboard_view},
  {"GET",    "/static/{name}",                                  Action::auth_login, std::nullopt, false},  // the pages' scripts and styles
  {"GET",    "/api/v1/audit",                                   Action::audit_list},
  {"GET",    "/api/v1/audit/verify",                            Action::audit_verify},
  {"GET",    "/api/v1/users",                                   Action::user_admin, std::nullopt, false},
  {"POST",   "/api/v1/users",                                   Action::user_admin, std::nullopt, false},
  {"POST",   "/api/v1/users/{id}/disable",                      Action::user_admin, std::nullopt, false},
  {"POST",   "/api/v1/users/{id}/enable",                       Action::user_admin, std::nullopt, false},
  {"POST",   "/api/v1/users/{id}/unlock",                       Action::user_admin, std::nullopt, false},
};
// clang-format on

constexpr bool expectations_in_action_order() {
  if (std::size(kExpected) != kActionCount) return false;
  for (std::size_t i = 0; i < kActionCount; ++i) {
    if (kExpected[i].action != static_cast<Action>(i)) return false;
    for (const char* letters : kExpected[i].by_role) {
      if (std::char_traits<char>::length(letters) != std::size(kAllRelations)) return false;
      for (std::size_t j = 0; j < std::size(kAllRelations); ++j) {
        if (letters[j] != 'A' && letters[j] != 'F' && letters[j] != 'N') return false;
      }
    }
  }
  return true;
}
static_assert(expectations_in_action_order(),
              "kExpected needs one row per Action, in declaration order, of A/F/N triples");

constexpr std::array<Action, kActionCount> make_all_actions() {
  std::array<Action, kActionCount> out{};
  for (std::size_t i = 0; i < kActionCount; ++i) out[i] = static_cast<Action>(i);
  return out;
}
constexpr std::array<Action, kActionCount> kActions = make_all_actions();

}  // namespace

// ---------------------------------------------------------------------------------------
// String mappings

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::dda: return "dda";
    case Role::advocate: return "advocate";
    case Role::supervisor: return "supervisor";
    case Role::leadership: return "leadership";
    case Role::mdt_partner: return "mdt_partner";
    case Role::admin: return "admin";
  }
  return "unknown";
}

Result<Role> parse_role(std::string_view text) {
  for (Role r : kAllRoles) {
    if (to_string(r) == text) return r;
  }
  return Error::invalid("role", "must be one of dda, advocate, supervisor, leadership, mdt_partner, admin");
}

std::string_view to_string(Action action) noexcept {
  switch (action) {
    case Action::health_read: return "health_read";
    case Action::ops_metrics_read: return "ops_metrics_read";
    case Action::auth_login: return "auth_login";
    case Action::calendar_feed_read: return "calendar_feed_read";
    case Action::auth_me: return "auth_me";
    case Action::auth_logout: return "auth_logout";
    case Action::auth_totp_enroll: return "auth_totp_enroll";
    case Action::statute_list: return "statute_list";
    case Action::court_days_read: return "court_days_read";
    case Action::metrics_definitions_read: return "metrics_definitions_read";
    case Action::case_create: return "case_create";
    case Action::case_list: return "case_list";
    case Action::case_read: return "case_read";
    case Action::case_update: return "case_update";
    case Action::case_reassign: return "case_reassign";
    case Action::prosecution_create: return "prosecution_create";
    case Action::prosecution_read: return "prosecution_read";
    case Action::prosecution_event: return "prosecution_event";
    case Action::prosecution_history: return "prosecution_history";
    case Action::charge_create: return "charge_create";
    case Action::charge_update: return "charge_update";
    case Action::deadline_list: return "deadline_list";
    case Action::prosecution_deadlines: return "prosecution_deadlines";
    case Action::deadline_waive: return "deadline_waive";
    case Action::court_closure_write: return "court_closure_write";
    case Action::court_event_list: return "court_event_list";
    case Action::court_event_create: return "court_event_create";
    case Action::feed_create: return "feed_create";
    case Action::feed_list: return "feed_list";
    case Action::feed_read: return "feed_read";
    case Action::feed_import: return "feed_import";
    case Action::feed_poll: return "feed_poll";
    case Action::feed_unmatched: return "feed_unmatched";
    case Action::feed_match: return "feed_match";
    case Action::calendar_subscribe: return "calendar_subscribe";
    case Action::calendar_unsubscribe: return "calendar_unsubscribe";
    case Action::victim_create: return "victim_create";
    case Action::victim_read: return "victim_read";
    case Action::victim_identity_read: return "victim_identity_read";
    case Action::victim_link: return "victim_link";
    case Action::service_plan_read: return "service_plan_read";
    case Action::service_plan_write: return "service_plan_write";
    case Action::agency_create: return "agency_create";
    case Action::mdt_meeting_create: return "mdt_meeting_create";
    case Action::mdt_review_create: return "mdt_review_create";
    case Action::mdt_agenda_read: return "mdt_agenda_read";
    case Action::victim_rights_write: return "victim_rights_write";
    case Action::victim_rights_waive: return "victim_rights_waive";
    case Action::victim_rights_read: return "victim_rights_read";
    case Action::protective_order_create: return "protective_order_create";
    case Action::notification_list: return "notification_list";
    case Action::notification_mark_read: return "notification_mark_read";
    case Action::evidence_create: return "evidence_create";
    case Action::evidence_custody: return "evidence_custody";
    case Action::evidence_custody_read: return "evidence_custody_read";
    case Action::evidence_verify: return "evidence_verify";
    case Action::disclosure_create: return "disclosure_create";
    case Action::disclosure_list: return "disclosure_list";
    case Action::metrics_read: return "metrics_read";
    case Action::victim_metrics_read: return "victim_metrics_read";
    case Action::dashboard_view: return "dashboard_view";
    case Action::audit_list: return "audit_list";
    case Action::audit_verify: return "audit_verify";
    case Action::user_admin: return "user_admin";
  }
  return "unknown";
}

std::optional<Action> parse_action(std::string_view text) noexcept {
  for (Action a : kActions) {
    if (to_string(a) == text) return a;
  }
  return std::nullopt;
}

std::span<const Action> all_actions() noexcept { return kActions; }

ContextUse context_use(Action action) noexcept {
  const Rule* rule = find_rule(action);
  return rule ? rule->context : ContextUse::required;  // fail closed: demand a record
}

std::string_view to_string(Field field) noexcept {
  switch (field) {
    case Field::victim_legal_name: return "legal_name";
    case Field::victim_dob: return "dob";
    case Field::victim_contact: return "contact";
    case Field::victim_safety_notes: return "safety_notes";
    case Field::agenda_pseudonym: return "pseudonym";
    case Field::agenda_court_dates: return "court_dates";
    case Field::agenda_service_items: return "service_items";
    case Field::agenda_keys: return "keys";
    case Field::agenda_risk_level: return "risk_level";
    case Field::agenda_next_steps: return "next_steps";
  }
  return "unknown";
}

std::optional<Field> parse_field(std::string_view text) noexcept {
  for (Field f : kAllFields) {
    if (to_string(f) == text) return f;
  }
  return std::nullopt;
}

bool is_mou_field(Field field) noexcept {
  switch (field) {
    case Field::victim_legal_name:
    case Field::victim_dob:
    case Field::victim_contact:
    case Field::victim_safety_notes:
      return false;
    case Field::agenda_pseudonym:
    case Field::agenda_court_dates:
    case Field::agenda_service_items:
    case Field::agenda_keys:
    case Field::agenda_risk_level:
    case Field::agenda_next_steps:
      return true;
  }
  return false;
}

std::string_view to_string(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::allow: return "allow";
    case Outcome::deny_forbidden: return "deny_forbidden";
    case Outcome::deny_not_found: return "deny_not_found";
  }
  return "unknown";
}

std::string_view to_string(ListScope scope) noexcept {
  switch (scope) {
    case ListScope::none: return "none";
    case ListScope::all: return "all";
    case ListScope::unit: return "unit";
    case ListScope::advocate_victims: return "advocate_victims";
    case ListScope::own: return "own";
  }
  return "unknown";
}

std::string_view to_string(Relation relation) noexcept {
  switch (relation) {
    case Relation::own_assigned: return "own_assigned";
    case Relation::own_unassigned: return "own_unassigned";
    case Relation::other_unit: return "other_unit";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------
// Decisions

Error Decision::error() const {
  assert(outcome != Outcome::allow);
  // The message is for the problem document: it must not say why a record is hidden.
  if (outcome == Outcome::deny_forbidden) return Error::of(ErrorCode::permission_denied, "not allowed");
  return Error::of(ErrorCode::not_found, "not found");
}

Decision role_gate(const Principal& principal, Action action) {
  const Rule* rule = find_rule(action);
  const std::size_t role = role_index(principal.role);
  if (rule == nullptr || role >= kRoleCount || rule->by_role[role] == Grant::unset) return no_rule_decision();
  const Grant grant = rule->by_role[role];
  if (grant == Grant::never) return forbid("never: not for this role");
  if (grant == Grant::always) return allow("always: allowed for this role");
  return allow("role may act: the record decides");
}

Decision decide(const Principal& principal, Action action, const RecordContext* record) {
  const Rule* rule = find_rule(action);
  const std::size_t role = role_index(principal.role);
  if (rule == nullptr || role >= kRoleCount || rule->by_role[role] == Grant::unset) return no_rule_decision();
  const Grant grant = rule->by_role[role];
  if (grant == Grant::never) return forbid("never: not for this role");
  if (grant == Grant::always) return allow("always: allowed for this role");
  switch (rule->context) {
    case ContextUse::none:
      // Only never/always belong to a record-less action (the tests check the table).
      return no_rule_decision();
    case ContextUse::optional:
      if (record == nullptr) return allow("collection: narrowed by list_scope");
      break;
    case ContextUse::required:
    case ContextUse::proposed:
      if (record == nullptr) {
        Decision d = hide("missing record context");
        d.missing_context = true;
        return d;
      }
      break;
  }
  return evaluate(grant, principal, *record);
}

bool field_visible(const Principal& principal, Field field, const RecordContext& record) {
  switch (field) {
    case Field::victim_legal_name:
    case Field::victim_dob:
    case Field::victim_contact:
    // Safety notes say where a victim is and who threatens her: identity-grade data.
    case Field::victim_safety_notes:
      return decide(principal, Action::victim_identity_read, &record).allowed();
    case Field::agenda_pseudonym:
    case Field::agenda_court_dates:
    case Field::agenda_service_items:
    case Field::agenda_keys:
    case Field::agenda_risk_level:
    case Field::agenda_next_steps:
      if (!decide(principal, Action::mdt_agenda_read, &record).allowed()) return false;
      if (principal.role != Role::mdt_partner) return true;
      return std::find(record.mou_scope.begin(), record.mou_scope.end(), field) != record.mou_scope.end();
  }
  return false;
}

ListScope list_scope(const Principal& principal, Action action) {
  if (!role_gate(principal, action).allowed()) return ListScope::none;
  switch (action) {
    // The unit's records, and any the caller is assigned to elsewhere (DDA, supervisor).
    case Action::case_list:
    case Action::deadline_list:
      return ListScope::unit;
    case Action::court_event_list:
    // A subscription's feed is a list of hearings, scoped like the court-event list.
    case Action::calendar_subscribe:
      return principal.role == Role::advocate ? ListScope::advocate_victims : ListScope::unit;
    case Action::notification_list:
      return ListScope::own;
    // Feeds belong to a unit; admins manage every feed.
    case Action::feed_list:
      return principal.role == Role::admin ? ListScope::all : ListScope::unit;
    // Supervisors see their unit's aggregates; leadership and admins the office's.
    case Action::metrics_read:
    case Action::victim_metrics_read:
    case Action::dashboard_view:
      return principal.role == Role::supervisor ? ListScope::unit : ListScope::all;
    case Action::statute_list:
    case Action::court_days_read:
    case Action::metrics_definitions_read:
    case Action::audit_list:
      return ListScope::all;
    default:
      return ListScope::none;  // not a list
  }
}

// ---------------------------------------------------------------------------------------
// The matrix

std::span<const RouteSpec> route_table() noexcept { return kRoutes; }

std::optional<Outcome> expected_outcome(Action action, Role role, Relation relation) {
  const auto a = static_cast<std::size_t>(action);
  const std::size_t r = role_index(role);
  const auto rel = static_cast<std::size_t>(relation);
  if (a >= std::size(kExpected) || r >= kRoleCount || rel >= std::size(kAllRelations)) return std::nullopt;
  switch (kExpected[a].by_role[r][rel]) {
    case 'A': return Outcome::allow;
    case 'F': return Outcome::deny_forbidden;
    case 'N': return Outcome::deny_not_found;
    default: return std::nullopt;
  }
}

std::vector<MatrixRow> route_role_matrix() {
  std::vector<MatrixRow> rows;
  rows.reserve(std::size(kRoutes) * kRoleCount * std::size(kAllRelations));
  for (const RouteSpec& route : kRoutes) {
    for (Role role : kAllRoles) {
      for (Relation relation : kAllRelations) {
        rows.push_back({&route, role, relation, *expected_outcome(route.action, role, relation)});
      }
    }
  }
  return rows;
}

}  // namespace heat
