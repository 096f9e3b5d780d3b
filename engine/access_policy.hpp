// Authorization in one place: "may this user do this action on this record?", answered from
// the caller's role, unit, user id and agency and from a description of the record. Pure:
// no I/O, no clock; every function here is thread-safe (they read only immutable tables).
//
// How a handler uses it (api/):
//   1. role_gate(principal, action)        — before loading anything; a refusal is 403 and
//                                             says nothing about any record.
//   2. load the record, build its RecordContext (absent record → 404 as usual);
//   3. decide(principal, action, &context)  — allow, 403, or 404 (never leak existence);
//   4. for each protected field, field_visible(principal, field, context).
// Collection routes (lists, creates without a parent) call decide(principal, action,
// nullptr) and filter their query by list_scope(principal, action).
//
// The rules themselves are documented beside the rule table in access_policy.cpp; the
// expected outcome of every route for every role is a separate, declarative table
// (expected_outcome / route_role_matrix) that the unit tests check decide() against and
// that the HTTP tests replay against the server.
#pragma once

#include "engine/result.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace heat {

// ---------------------------------------------------------------------------------------
// Roles

enum class Role : unsigned char { dda, advocate, supervisor, leadership, mdt_partner, admin };

inline constexpr Role kAllRoles[] = {Role::dda,        Role::advocate,    Role::supervisor,
                                     Role::leadership, Role::mdt_partner, Role::admin};

// The one string mapping (JSON, SQL, logs, CLI): "dda", "advocate", "supervisor",
// "leadership", "mdt_partner", "admin".
[[nodiscard]] std::string_view to_string(Role role) noexcept;
// Exact, case-sensitive. Error: invalid_argument on field "role".
[[nodiscard]] Result<Role> parse_role(std::string_view text);

// The authenticated caller. Empty strings never match anything: a principal without a unit
// belongs to no unit, one without an agency attends no MDT meeting.
struct Principal {
  std::string user_id;    // UUID text of the user
  Role role = Role::dda;
  std::string unit;       // short unit code ("ht"); may be empty (admin, MDT partner)
  std::string agency_id;  // UUID text of the partner agency (mdt_partner); else empty
};

// ---------------------------------------------------------------------------------------
// Actions: one per route of API.md (some routes decide a second, finer action inside, see
// RouteSpec::refinement). Contiguous from 0; kActionCount counts them.

enum class Action : unsigned char {
  // public: no principal is needed; the server never asks, decide() allows every role
  health_read,         // GET /healthz, /readyz
  ops_metrics_read,    // GET /metrics (bound to a private interface in production)
  auth_login,          // POST /api/v1/auth/login, GET /login
  calendar_feed_read,  // GET of a calendar subscription URL (its own revocable token)
  // the caller's own session
  auth_me,
  auth_logout,
  auth_totp_enroll,
  // reference data
  statute_list,
  court_days_read,
  metrics_definitions_read,
  // cases and prosecutions
  case_create,
  case_list,
  case_read,
  case_update,
  case_reassign,
  prosecution_create,
  prosecution_read,
  prosecution_event,
  prosecution_history,
  // charges
  charge_create,
  charge_update,
  // deadlines and the court calendar
  deadline_list,          // GET /api/v1/deadlines (the caller's visible deadlines)
  prosecution_deadlines,  // GET /api/v1/prosecutions/{id}/deadlines
  deadline_waive,
  court_closure_write,
  court_event_list,
  court_event_create,
  // court feeds
  feed_create,
  feed_list,  // GET /api/v1/feeds (the caller's unit's feeds; every feed for admins)
  feed_read,  // GET /api/v1/feeds/{id}
  feed_import,
  feed_poll,
  feed_unmatched,
  feed_match,
  // calendar subscriptions
  calendar_subscribe,
  calendar_unsubscribe,
  // victims, services, Safety Net
  victim_create,
  victim_read,           // the record in its ordinary (pseudonymous) form
  victim_identity_read,  // legal name, dob, contact, safety notes (audited on every read)
  victim_link,
  service_plan_read,
  service_plan_write,
  agency_create,
  mdt_meeting_create,
  mdt_review_create,
  mdt_agenda_read,
  // Marsy's Law, protective orders, notifications
  victim_rights_write,  // notice_requested, notice_sent, conferred
  victim_rights_waive,  // kind "waived"
  victim_rights_read,
  protective_order_create,
  notification_list,
  notification_mark_read,
  // evidence and discovery (DDA work product)
  evidence_create,
  evidence_custody,  // POST a custody transfer
  evidence_custody_read,
  evidence_verify,
  disclosure_create,
  disclosure_list,
  // dashboard, audit, administration
  metrics_read,
  victim_metrics_read,
  dashboard_view,
  audit_list,
  audit_verify,
  user_admin,
};

inline constexpr std::size_t kActionCount = static_cast<std::size_t>(Action::user_admin) + 1;

// Stable snake_case names (the enumerator's spelling), for audit entries and logs.
[[nodiscard]] std::string_view to_string(Action action) noexcept;
[[nodiscard]] std::optional<Action> parse_action(std::string_view text) noexcept;
// Every action, in declaration order.
[[nodiscard]] std::span<const Action> all_actions() noexcept;

// What an action needs to know about its record.
enum class ContextUse : unsigned char {
  none,      // no record: public, self, reference, or a collection (filter by list_scope)
  optional,  // a collection that may be narrowed to one record (court events of a case)
  required,  // one existing record (or the parent record a new one is created under)
  proposed,  // the record about to be created (its unit, as the request names it)
};
[[nodiscard]] ContextUse context_use(Action action) noexcept;

// ---------------------------------------------------------------------------------------
// Fields hidden per caller (API.md: victims' identity; the MDT agenda by MOU scope).

enum class Field : unsigned char {
  victim_legal_name,
  victim_dob,
  victim_contact,
  victim_safety_notes,
  agenda_pseudonym,
  agenda_court_dates,
  agenda_service_items,
  agenda_keys,        // the last review's four Keys
  agenda_risk_level,
  agenda_next_steps,
};

inline constexpr Field kAllFields[] = {
    Field::victim_legal_name,  Field::victim_dob,           Field::victim_contact,
    Field::victim_safety_notes, Field::agenda_pseudonym,    Field::agenda_court_dates,
    Field::agenda_service_items, Field::agenda_keys,        Field::agenda_risk_level,
    Field::agenda_next_steps};

// Names as they appear in JSON and in an agency's "mou_scope": "legal_name", "dob",
// "contact", "safety_notes", "pseudonym", "court_dates", "service_items", "keys",
// "risk_level", "next_steps".
[[nodiscard]] std::string_view to_string(Field field) noexcept;
[[nodiscard]] std::optional<Field> parse_field(std::string_view text) noexcept;
// True for the agenda fields an agency's MOU may grant (POST /api/v1/agencies validates
// "mou_scope" against these).
[[nodiscard]] bool is_mou_field(Field field) noexcept;

// ---------------------------------------------------------------------------------------
// The record

// What the policy needs to know about one record. Fill the members that apply to its kind
// and leave the rest empty (empty strings and empty lists never match a principal):
//   case, prosecution, charge, deadline, court event, evidence, disclosure, victim-rights
//   entry, protective order: the case's unit, lead_dda_id, assigned_dda_ids, and in
//   advocate_ids the advocates of the victims linked to any of the case's prosecutions
//   (for Marsy's-law entries the handler may narrow it to the named victim's advocate);
//   victim, its service plan, its MDT reviews: the victim's unit, victim_advocate_id, and in
//   linked_dda_ids the lead and assigned DDAs of every case holding a prosecution the
//   victim is linked to;
//   court feed: its unit; notification, calendar subscription: owner_user_id;
//   MDT meeting: its unit, agency_ids (agencies attending under an MOU) and, for an
//   mdt_partner caller, mou_scope = the fields the caller's agency's MOU grants;
//   a record about to be created (ContextUse::proposed): the unit the request names.
struct RecordContext {
  std::string unit;
  std::string lead_dda_id;
  std::vector<std::string> assigned_dda_ids;
  std::vector<std::string> linked_dda_ids;
  std::vector<std::string> advocate_ids;
  std::string victim_advocate_id;
  std::string owner_user_id;
  std::vector<std::string> agency_ids;
  std::vector<Field> mou_scope;
};

// ---------------------------------------------------------------------------------------
// Decisions

enum class Outcome : unsigned char {
  allow,
  deny_forbidden,  // 403: the action is not for this role, or the caller may already know
                   // the record exists (it can read it) but may not do this to it
  deny_not_found,  // 404: a per-object refusal; the record's existence is not revealed
};
[[nodiscard]] std::string_view to_string(Outcome outcome) noexcept;  // "allow", ...

struct Decision {
  Outcome outcome = Outcome::deny_not_found;
  // The rule that decided, a static string ("team_write: not on the case's team"), for the
  // audit entry of a refusal. Never contains data about the record.
  std::string_view reason;
  // No rule covers (action, role): a bug in the rule table. Always a deny (404).
  bool no_rule = false;
  // A record-scoped action was asked without its record: a bug in the handler. Always a
  // deny (404) unless the role's rule needs no record.
  bool missing_context = false;

  [[nodiscard]] bool allowed() const noexcept { return outcome == Outcome::allow; }
  // The error the api/ layer answers with: permission_denied (403) or not_found (404).
  // Precondition: !allowed().
  [[nodiscard]] Error error() const;
};

// The whole decision for one action on one record (nullptr: no record; see ContextUse).
// Role-level refusals (403) come first and never depend on the record.
[[nodiscard]] Decision decide(const Principal& principal, Action action, const RecordContext* record);

// Only the role-level part of decide(): deny_forbidden when the action is never for this
// role, allow otherwise ("may try": the record-level decision is still to come).
[[nodiscard]] Decision role_gate(const Principal& principal, Action action);

// Whether one protected field of an allowed record is shown to this caller. Victim fields:
// the same answer as decide(victim_identity_read). Agenda fields: mdt_agenda_read is
// allowed and, for an mdt_partner, the field is within the context's mou_scope.
[[nodiscard]] bool field_visible(const Principal& principal, Field field, const RecordContext& record);

// How a collection route must narrow its query for this caller.
enum class ListScope : unsigned char {
  none,              // the caller may not list these at all
  all,               // everything (reference data; office-wide aggregates; the audit log)
  unit,              // records of the caller's unit, and any record the caller is assigned to
  advocate_victims,  // records about the victims the caller is the advocate of
  own,               // the caller's own records (notifications)
};
[[nodiscard]] std::string_view to_string(ListScope scope) noexcept;
// For an action with ContextUse::none or optional; ListScope::none for any other action.
[[nodiscard]] ListScope list_scope(const Principal& principal, Action action);

// ---------------------------------------------------------------------------------------
// The route × role matrix

// Every route of API.md (contract = true) and the routes this policy adds for issue 3
// (contract = false: TOTP enrolment, user administration, the calendar feed URL).
struct RouteSpec {
  std::string_view method;
  std::string_view path;  // pattern with "{name}" placeholders, as api/router.hpp takes it
  Action action;
  // A finer action the handler decides inside the route: victim_identity_read on
  // GET /victims/{id} (field level), victim_rights_waive when POST .../victim-rights has
  // kind "waived".
  std::optional<Action> refinement;
  bool contract = true;
};
[[nodiscard]] std::span<const RouteSpec> route_table() noexcept;

// How the record under test relates to the caller.
enum class Relation : unsigned char {
  own_assigned,    // the caller's unit, and the caller is on it: lead DDA, the victim's
                   // advocate, a linked victim's advocate, a linked case's DDA, its owner,
                   // an attending agency with a full MOU scope
  own_unassigned,  // the caller's unit, but the caller is on none of its lists
  other_unit,      // another unit, and the caller is on none of its lists
};
inline constexpr Relation kAllRelations[] = {Relation::own_assigned, Relation::own_unassigned,
                                             Relation::other_unit};
[[nodiscard]] std::string_view to_string(Relation relation) noexcept;

// The expected outcome, from a declarative table written apart from decide()'s rules. For
// actions without a record (ContextUse::none) the relation does not matter; for
// ContextUse::optional it describes the record the collection is narrowed to; for
// ContextUse::proposed it is the unit the request names (own or other). The table has a row
// for every action (checked at compile time); nullopt only for out-of-range arguments.
[[nodiscard]] std::optional<Outcome> expected_outcome(Action action, Role role, Relation relation);

struct MatrixRow {
  const RouteSpec* route;  // points into route_table()
  Role role;
  Relation relation;
  Outcome expected;
};
// route_table() × kAllRoles × kAllRelations, with the expected outcome of each.
[[nodiscard]] std::vector<MatrixRow> route_role_matrix();

}  // namespace heat
