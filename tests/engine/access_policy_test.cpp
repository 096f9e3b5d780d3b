#include "engine/access_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <utility>

namespace heat {
namespace {

constexpr const char* kSelf = "11111111-0000-0000-0000-000000000001";
constexpr const char* kOtherUser = "22222222-0000-0000-0000-000000000002";
constexpr const char* kOtherDda = "22222222-0000-0000-0000-000000000003";
constexpr const char* kOtherAdvocate = "22222222-0000-0000-0000-000000000004";
constexpr const char* kSelfAgency = "aaaaaaaa-0000-0000-0000-000000000001";
constexpr const char* kOtherAgency = "aaaaaaaa-0000-0000-0000-000000000002";

Principal principal(Role role, std::string unit = "ht") {
  return Principal{kSelf, role, std::move(unit), role == Role::mdt_partner ? kSelfAgency : ""};
}

std::vector<Field> full_mou_scope() {
  std::vector<Field> out;
  for (Field f : kAllFields) {
    if (is_mou_field(f)) out.push_back(f);
  }
  return out;
}

// The synthetic record for each relation of Relation's documentation: every list the policy
// looks at names the caller (own_assigned) or only other people (the other two).
RecordContext context_for(Relation relation, const Principal& p) {
  RecordContext r;
  if (relation == Relation::own_assigned) {
    r.unit = p.unit;
    r.lead_dda_id = p.user_id;
    r.assigned_dda_ids = {kOtherDda};
    r.linked_dda_ids = {kOtherDda, p.user_id};
    r.advocate_ids = {kOtherAdvocate, p.user_id};
    r.victim_advocate_id = p.user_id;
    r.owner_user_id = p.user_id;
    r.agency_ids = {kOtherAgency, p.agency_id};
  } else {
    r.unit = relation == Relation::own_unassigned ? p.unit : "sa";
    r.lead_dda_id = kOtherDda;
    r.assigned_dda_ids = {kOtherUser};
    r.linked_dda_ids = {kOtherDda};
    r.advocate_ids = {kOtherAdvocate};
    r.victim_advocate_id = kOtherAdvocate;
    r.owner_user_id = kOtherUser;
    r.agency_ids = {kOtherAgency};
  }
  r.mou_scope = full_mou_scope();
  return r;
}

// What decide() answers for a relation: record-less actions are asked without a record.
Decision decide_for(Action action, const Principal& p, Relation relation) {
  if (context_use(action) == ContextUse::none) return decide(p, action, nullptr);
  const RecordContext r = context_for(relation, p);
  return decide(p, action, &r);
}

// ---------------------------------------------------------------------------------------
// The full action × role × relation matrix, one test per action.

class EveryAction : public ::testing::TestWithParam<Action> {};

TEST_P(EveryAction, DecideMatchesTheExpectedTableForEveryRoleAndRelation) {
  const Action action = GetParam();
  for (Role role : kAllRoles) {
    const Principal p = principal(role);
    for (Relation relation : kAllRelations) {
      const auto expected = expected_outcome(action, role, relation);
      ASSERT_TRUE(expected.has_value()) << to_string(action) << " has no expectation for " << to_string(role);
      const Decision d = decide_for(action, p, relation);
      EXPECT_FALSE(d.no_rule) << to_string(action) << " × " << to_string(role);
      EXPECT_FALSE(d.missing_context) << to_string(action) << " × " << to_string(role);
      EXPECT_EQ(d.outcome, *expected) << to_string(action) << " × " << to_string(role) << " × "
                                      << to_string(relation) << ": got " << to_string(d.outcome)
                                      << " (" << d.reason << "), expected " << to_string(*expected);
      EXPECT_FALSE(d.reason.empty());
    }
  }
}

TEST_P(EveryAction, HasARuleForEveryRoleWithAndWithoutARecord) {
  const Action action = GetParam();
  for (Role role : kAllRoles) {
    const Principal p = principal(role);
    for (Relation relation : kAllRelations) {
      const RecordContext r = context_for(relation, p);
      EXPECT_FALSE(decide(p, action, &r).no_rule) << to_string(action) << " × " << to_string(role);
    }
    EXPECT_FALSE(decide(p, action, nullptr).no_rule) << to_string(action) << " × " << to_string(role);
    EXPECT_FALSE(role_gate(p, action).no_rule) << to_string(action) << " × " << to_string(role);
  }
}

// A role-level refusal is 403 and the same whatever the record, so it reveals nothing; and
// role_gate() agrees with decide() on it.
TEST_P(EveryAction, RoleLevelRefusalsDoNotDependOnTheRecord) {
  const Action action = GetParam();
  for (Role role : kAllRoles) {
    const Principal p = principal(role);
    const bool never = role_gate(p, action).outcome == Outcome::deny_forbidden;
    int forbidden = 0;
    for (Relation relation : kAllRelations) {
      if (decide_for(action, p, relation).outcome == Outcome::deny_forbidden) ++forbidden;
    }
    if (never) {
      EXPECT_EQ(forbidden, 3) << to_string(action) << " × " << to_string(role);
      EXPECT_EQ(decide(p, action, nullptr).outcome, Outcome::deny_forbidden);
    } else {
      EXPECT_TRUE(role_gate(p, action).allowed());
      EXPECT_EQ(decide_for(action, p, Relation::own_assigned).outcome, Outcome::allow)
          << to_string(action) << " × " << to_string(role) << ": a role that may act must be able to, "
          << "on a record of its own unit that it is assigned to";
    }
  }
}

// A record in another unit (that the caller is not on) is never refused with 403 unless the
// caller named that unit itself (a record being created) or the role may never act.
TEST_P(EveryAction, AnotherUnitsRecordIsNeverConfirmedToExist) {
  const Action action = GetParam();
  if (context_use(action) == ContextUse::none || context_use(action) == ContextUse::proposed) return;
  for (Role role : kAllRoles) {
    const Principal p = principal(role);
    const Decision d = decide_for(action, p, Relation::other_unit);
    if (d.outcome == Outcome::deny_forbidden) {
      EXPECT_EQ(role_gate(p, action).outcome, Outcome::deny_forbidden) << to_string(action) << " × " << to_string(role);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AccessPolicy, EveryAction, ::testing::ValuesIn(all_actions().begin(), all_actions().end()),
                         [](const ::testing::TestParamInfo<Action>& info) { return std::string(to_string(info.param)); });

// ---------------------------------------------------------------------------------------
// Routes

TEST(AccessPolicyRoutes, EveryActionIsReachedByARoute) {
  std::set<Action> reached;
  for (const RouteSpec& route : route_table()) {
    reached.insert(route.action);
    if (route.refinement) reached.insert(*route.refinement);
  }
  for (Action a : all_actions()) EXPECT_TRUE(reached.count(a)) << to_string(a) << " has no route";
}

TEST(AccessPolicyRoutes, RoutesAreUniqueAndWellFormed) {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  int contract = 0;
  for (const RouteSpec& route : route_table()) {
    EXPECT_TRUE(seen.insert({route.method, route.path}).second) << route.method << " " << route.path;
    EXPECT_TRUE(route.method == "GET" || route.method == "POST" || route.method == "PATCH" ||
                route.method == "DELETE")
        << route.method;
    EXPECT_EQ(route.path.front(), '/') << route.path;
    if (route.contract) ++contract;
  }
  // Every route of API.md: 62 method-path pairs, counting GET /login (the sign-in page the
  // dashboard redirects to) and both court-days paths.
  EXPECT_EQ(contract, 62);
}

TEST(AccessPolicyRoutes, TheMatrixCoversEveryRouteRoleAndRelationAndAgreesWithDecide) {
  const auto rows = route_role_matrix();
  EXPECT_EQ(rows.size(), route_table().size() * std::size(kAllRoles) * std::size(kAllRelations));
  for (const MatrixRow& row : rows) {
    const Decision d = decide_for(row.route->action, principal(row.role), row.relation);
    EXPECT_EQ(d.outcome, row.expected) << row.route->method << " " << row.route->path << " × " << to_string(row.role)
                                       << " × " << to_string(row.relation);
  }
}

TEST(AccessPolicyRoutes, SpotChecksOfTheMatrixAgainstTheBrief) {
  auto expect = [](Action a, Role r, Relation rel) { return *expected_outcome(a, r, rel); };
  // another unit's case is a 404, not a 403 (no IDOR)
  EXPECT_EQ(expect(Action::case_read, Role::dda, Relation::other_unit), Outcome::deny_not_found);
  EXPECT_EQ(expect(Action::case_update, Role::supervisor, Relation::other_unit), Outcome::deny_not_found);
  // DDAs read the unit's cases and change their own
  EXPECT_EQ(expect(Action::case_read, Role::dda, Relation::own_unassigned), Outcome::allow);
  EXPECT_EQ(expect(Action::case_update, Role::dda, Relation::own_unassigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::prosecution_event, Role::dda, Relation::own_assigned), Outcome::allow);
  // reassignment and waivers are the supervisor's
  EXPECT_EQ(expect(Action::case_reassign, Role::dda, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::case_reassign, Role::supervisor, Relation::own_unassigned), Outcome::allow);
  EXPECT_EQ(expect(Action::victim_rights_waive, Role::dda, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::victim_rights_waive, Role::supervisor, Relation::own_unassigned), Outcome::allow);
  // leadership: aggregates only
  EXPECT_EQ(expect(Action::metrics_read, Role::leadership, Relation::other_unit), Outcome::allow);
  EXPECT_EQ(expect(Action::dashboard_view, Role::leadership, Relation::own_assigned), Outcome::allow);
  EXPECT_EQ(expect(Action::case_read, Role::leadership, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::victim_read, Role::leadership, Relation::own_assigned), Outcome::deny_forbidden);
  // advocates: their victims, never the DDA's work product
  EXPECT_EQ(expect(Action::victim_read, Role::advocate, Relation::own_assigned), Outcome::allow);
  EXPECT_EQ(expect(Action::victim_read, Role::advocate, Relation::own_unassigned), Outcome::deny_not_found);
  EXPECT_EQ(expect(Action::court_event_list, Role::advocate, Relation::own_assigned), Outcome::allow);
  EXPECT_EQ(expect(Action::evidence_custody_read, Role::advocate, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::disclosure_list, Role::advocate, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::prosecution_deadlines, Role::advocate, Relation::own_assigned), Outcome::deny_forbidden);
  // MDT partners: only the agenda of meetings their agency attends
  EXPECT_EQ(expect(Action::mdt_agenda_read, Role::mdt_partner, Relation::own_assigned), Outcome::allow);
  EXPECT_EQ(expect(Action::mdt_agenda_read, Role::mdt_partner, Relation::own_unassigned), Outcome::deny_not_found);
  EXPECT_EQ(expect(Action::victim_read, Role::mdt_partner, Relation::own_assigned), Outcome::deny_forbidden);
  // admins: users, audit, feeds, closures, agencies, dashboard; never victims
  EXPECT_EQ(expect(Action::audit_verify, Role::admin, Relation::other_unit), Outcome::allow);
  EXPECT_EQ(expect(Action::court_closure_write, Role::admin, Relation::own_assigned), Outcome::allow);
  EXPECT_EQ(expect(Action::court_closure_write, Role::supervisor, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::victim_read, Role::admin, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::victim_identity_read, Role::admin, Relation::own_assigned), Outcome::deny_forbidden);
  EXPECT_EQ(expect(Action::audit_list, Role::supervisor, Relation::own_assigned), Outcome::deny_forbidden);
}

// ---------------------------------------------------------------------------------------
// Record-level details

TEST(AccessPolicy, ARecordScopedActionWithoutItsRecordIsDeniedAndFlagged) {
  const Decision d = decide(principal(Role::dda), Action::case_read, nullptr);
  EXPECT_EQ(d.outcome, Outcome::deny_not_found);
  EXPECT_TRUE(d.missing_context);
  EXPECT_FALSE(d.no_rule);
  // a role that may never act is still told 403, and a role that needs no record is allowed
  EXPECT_EQ(decide(principal(Role::leadership), Action::case_read, nullptr).outcome, Outcome::deny_forbidden);
  EXPECT_TRUE(decide(principal(Role::admin), Action::evidence_verify, nullptr).allowed());
  // a proposed record is a record too
  EXPECT_TRUE(decide(principal(Role::dda), Action::case_create, nullptr).missing_context);
}

TEST(AccessPolicy, AnOptionalRecordNarrowsACollection) {
  EXPECT_TRUE(decide(principal(Role::advocate), Action::court_event_list, nullptr).allowed());
  EXPECT_TRUE(decide(principal(Role::dda), Action::court_event_list, nullptr).allowed());
  const Principal adv = principal(Role::advocate);
  const RecordContext not_theirs = context_for(Relation::own_unassigned, adv);
  EXPECT_EQ(decide(adv, Action::court_event_list, &not_theirs).outcome, Outcome::deny_not_found);
}

TEST(AccessPolicy, EmptyIdsAndUnitsNeverMatch) {
  const Principal nobody{"", Role::dda, "", ""};
  const RecordContext blank;  // every member empty
  EXPECT_EQ(decide(nobody, Action::case_read, &blank).outcome, Outcome::deny_not_found);
  EXPECT_EQ(decide(nobody, Action::case_update, &blank).outcome, Outcome::deny_not_found);
  EXPECT_EQ(decide(nobody, Action::case_create, &blank).outcome, Outcome::deny_forbidden);
  const Principal adv{"", Role::advocate, "", ""};
  EXPECT_EQ(decide(adv, Action::victim_read, &blank).outcome, Outcome::deny_not_found);
  EXPECT_EQ(decide(adv, Action::notification_mark_read, &blank).outcome, Outcome::deny_not_found);
  const Principal partner{kSelf, Role::mdt_partner, "", ""};
  RecordContext meeting;
  meeting.agency_ids = {""};
  EXPECT_EQ(decide(partner, Action::mdt_agenda_read, &meeting).outcome, Outcome::deny_not_found);
}

TEST(AccessPolicy, AssignmentReachesAcrossUnits) {
  const Principal dda = principal(Role::dda, "sa");
  RecordContext c;
  c.unit = "ht";
  c.lead_dda_id = kOtherDda;
  c.assigned_dda_ids = {kSelf};
  EXPECT_TRUE(decide(dda, Action::case_read, &c).allowed());
  EXPECT_TRUE(decide(dda, Action::case_update, &c).allowed());
  c.assigned_dda_ids.clear();
  EXPECT_EQ(decide(dda, Action::case_update, &c).outcome, Outcome::deny_not_found);
}

TEST(AccessPolicy, VictimIdentityGoesOnlyToTheAdvocateAndTheLinkedCasesDdas) {
  RecordContext victim;
  victim.unit = "ht";
  victim.victim_advocate_id = "adv-1";
  victim.linked_dda_ids = {"dda-lead", "dda-assigned"};

  const Principal advocate{"adv-1", Role::advocate, "ht", ""};
  const Principal other_advocate{"adv-2", Role::advocate, "ht", ""};
  const Principal lead{"dda-lead", Role::dda, "ht", ""};
  const Principal assigned{"dda-assigned", Role::dda, "ht", ""};
  const Principal unit_dda{"dda-3", Role::dda, "ht", ""};
  const Principal supervisor{"sup-1", Role::supervisor, "ht", ""};
  const Principal admin{"admin-1", Role::admin, "", ""};
  const Principal leadership{"lead-1", Role::leadership, "ht", ""};

  for (Field f : {Field::victim_legal_name, Field::victim_dob, Field::victim_contact, Field::victim_safety_notes}) {
    EXPECT_TRUE(field_visible(advocate, f, victim)) << to_string(f);
    EXPECT_TRUE(field_visible(lead, f, victim)) << to_string(f);
    EXPECT_TRUE(field_visible(assigned, f, victim)) << to_string(f);
    EXPECT_FALSE(field_visible(other_advocate, f, victim)) << to_string(f);
    EXPECT_FALSE(field_visible(unit_dda, f, victim)) << to_string(f);
    EXPECT_FALSE(field_visible(supervisor, f, victim)) << to_string(f);
    EXPECT_FALSE(field_visible(admin, f, victim)) << to_string(f);
    EXPECT_FALSE(field_visible(leadership, f, victim)) << to_string(f);
  }
  // The unit's DDAs and its supervisor still read the pseudonymous record; they know it
  // exists, so the identity refusal is a 403.
  EXPECT_TRUE(decide(unit_dda, Action::victim_read, &victim).allowed());
  EXPECT_EQ(decide(unit_dda, Action::victim_identity_read, &victim).outcome, Outcome::deny_forbidden);
  EXPECT_EQ(decide(supervisor, Action::victim_identity_read, &victim).outcome, Outcome::deny_forbidden);
  EXPECT_EQ(decide(other_advocate, Action::victim_read, &victim).outcome, Outcome::deny_not_found);
  // A supervisor who is on a linked case is one of the case's DDAs.
  victim.linked_dda_ids.push_back("sup-1");
  EXPECT_TRUE(field_visible(supervisor, Field::victim_legal_name, victim));
}

TEST(AccessPolicy, AgendaFieldsFollowTheAgencysMouScope) {
  RecordContext meeting;
  meeting.unit = "ht";
  meeting.agency_ids = {"agency-probation", "agency-school"};
  meeting.mou_scope = {Field::agenda_pseudonym, Field::agenda_court_dates};

  const Principal probation{"p-1", Role::mdt_partner, "", "agency-probation"};
  const Principal outsider{"p-2", Role::mdt_partner, "", "agency-other"};
  const Principal advocate{"adv-1", Role::advocate, "ht", ""};
  const Principal dda{"dda-1", Role::dda, "ht", ""};

  EXPECT_TRUE(field_visible(probation, Field::agenda_pseudonym, meeting));
  EXPECT_TRUE(field_visible(probation, Field::agenda_court_dates, meeting));
  EXPECT_FALSE(field_visible(probation, Field::agenda_service_items, meeting));
  EXPECT_FALSE(field_visible(probation, Field::agenda_keys, meeting));
  EXPECT_FALSE(field_visible(probation, Field::agenda_risk_level, meeting));
  EXPECT_FALSE(field_visible(probation, Field::agenda_next_steps, meeting));
  EXPECT_FALSE(field_visible(probation, Field::victim_legal_name, meeting));
  for (Field f : kAllFields) {
    EXPECT_FALSE(field_visible(outsider, f, meeting)) << to_string(f);
    EXPECT_FALSE(field_visible(dda, f, meeting)) << to_string(f);
    // The unit's advocates run the meeting and see every agenda field (no identity).
    EXPECT_EQ(field_visible(advocate, f, meeting), is_mou_field(f)) << to_string(f);
  }
}

TEST(AccessPolicy, ListScopesNarrowCollections) {
  EXPECT_EQ(list_scope(principal(Role::dda), Action::case_list), ListScope::unit);
  EXPECT_EQ(list_scope(principal(Role::advocate), Action::case_list), ListScope::none);
  EXPECT_EQ(list_scope(principal(Role::advocate), Action::court_event_list), ListScope::advocate_victims);
  EXPECT_EQ(list_scope(principal(Role::supervisor), Action::court_event_list), ListScope::unit);
  EXPECT_EQ(list_scope(principal(Role::advocate), Action::calendar_subscribe), ListScope::advocate_victims);
  EXPECT_EQ(list_scope(principal(Role::leadership), Action::metrics_read), ListScope::all);
  EXPECT_EQ(list_scope(principal(Role::supervisor), Action::metrics_read), ListScope::unit);
  EXPECT_EQ(list_scope(principal(Role::dda), Action::metrics_read), ListScope::none);
  EXPECT_EQ(list_scope(principal(Role::mdt_partner), Action::notification_list), ListScope::own);
  EXPECT_EQ(list_scope(principal(Role::admin), Action::audit_list), ListScope::all);
  EXPECT_EQ(list_scope(principal(Role::dda), Action::audit_list), ListScope::none);
  EXPECT_EQ(list_scope(principal(Role::dda), Action::case_read), ListScope::none);  // not a list
  // Whenever a list is refused outright, the scope is none.
  for (Action a : all_actions()) {
    for (Role r : kAllRoles) {
      if (!role_gate(principal(r), a).allowed()) {
        EXPECT_EQ(list_scope(principal(r), a), ListScope::none);
      }
    }
  }
}

TEST(AccessPolicy, RefusalsMapToTheirErrorCodesWithoutDetail) {
  const Principal dda = principal(Role::dda);
  const RecordContext other = context_for(Relation::other_unit, dda);
  const Decision hidden = decide(dda, Action::case_read, &other);
  EXPECT_EQ(hidden.error().code, ErrorCode::not_found);
  EXPECT_EQ(hidden.error().message, "not found");
  const Decision refused = decide(dda, Action::audit_list, nullptr);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
}

// ---------------------------------------------------------------------------------------
// String mappings

TEST(AccessPolicyNames, RolesRoundTripAndUnknownRolesAreInvalid) {
  for (Role r : kAllRoles) {
    auto parsed = parse_role(to_string(r));
    ASSERT_TRUE(parsed) << to_string(r);
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(to_string(Role::mdt_partner), "mdt_partner");
  auto bad = parse_role("Admin");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(bad.error().fields.size(), 1u);
  EXPECT_EQ(bad.error().fields[0].field, "role");
}

TEST(AccessPolicyNames, ActionsAndFieldsRoundTrip) {
  std::set<std::string_view> names;
  for (Action a : all_actions()) {
    EXPECT_NE(to_string(a), "unknown");
    EXPECT_TRUE(names.insert(to_string(a)).second) << to_string(a);
    EXPECT_EQ(parse_action(to_string(a)), a);
  }
  EXPECT_EQ(names.size(), kActionCount);
  EXPECT_FALSE(parse_action("case_delete"));
  for (Field f : kAllFields) EXPECT_EQ(parse_field(to_string(f)), f);
  EXPECT_EQ(parse_field("legal_name"), Field::victim_legal_name);
  EXPECT_FALSE(parse_field("ssn"));
  EXPECT_FALSE(is_mou_field(Field::victim_contact));
  EXPECT_TRUE(is_mou_field(Field::agenda_keys));
}

}  // namespace
}  // namespace heat
