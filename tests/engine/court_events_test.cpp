#include "engine/court_events.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace heat {
namespace {

using namespace std::chrono;

TimePoint utc(int y, int m, int d, int h = 0, int min = 0) {
  return TimePoint(sys_days(year(y) / m / d) + hours(h) + minutes(min));
}

const TimePoint kNow = utc(2026, 3, 2, 17);
const std::string kCase = "11111111-1111-1111-1111-111111111111";

IncomingHearing hearing(std::string uid, TimePoint starts, CourtEventKind kind = CourtEventKind::preliminary_hearing) {
  IncomingHearing h;
  h.source_uid = uid;
  h.uid = std::move(uid);
  h.docket = "26-CR-012345";
  h.normalized_docket = "26CR012345";
  h.kind = kind;
  h.starts_at = starts;
  h.department = "Dept. 12";
  h.judge = "Hon. M. Alvarez";
  return h;
}

IncomingHearing keyless(TimePoint starts, CourtEventKind kind = CourtEventKind::preliminary_hearing,
                        std::string docket = "26-CR-012345") {
  IncomingHearing h = hearing("", starts, kind);
  h.uid.clear();
  h.docket = docket;
  h.normalized_docket = normalize_docket(docket);
  return h;
}

// The stored form of an incoming record, as a previous import would have left it.
StoredHearing stored(const std::string& id, const IncomingHearing& r,
                     CourtEventStatus status = CourtEventStatus::scheduled) {
  StoredHearing s;
  s.id = id;
  s.case_id = kCase;
  s.source_key = source_key(r);
  s.source_sequence = r.sequence;
  s.kind = r.kind;
  s.starts_at = r.starts_at;
  s.ends_at = r.ends_at;
  s.all_day = r.all_day;
  s.department = r.department;
  s.judge = r.judge;
  s.docket = r.docket;
  s.status = status;
  return s;
}

ReconcilePlan run(std::vector<StoredHearing> existing, std::vector<IncomingHearing> incoming,
                  ImportMode mode = ImportMode::snapshot, std::vector<std::string> cases = {}) {
  ReconcileInput in;
  in.existing = std::move(existing);
  in.incoming = std::move(incoming);
  in.case_ids = cases.empty() ? std::vector<std::string>(in.incoming.size(), kCase) : std::move(cases);
  in.mode = mode;
  in.now = kNow;
  return reconcile(in);
}

// ---------------------------------------------------------------------------------------
// Identity

TEST(SourceKey, CourtIdThenRecurrenceThenNaturalKey) {
  IncomingHearing h = hearing("HRG-1", utc(2026, 3, 16, 15, 30));
  EXPECT_EQ(source_key(h), "id:HRG-1");
  h.recurrence_id = utc(2026, 3, 9, 15, 30);
  EXPECT_EQ(source_key(h), "id:HRG-1@2026-03-09T15:30:00.000000Z");
  IncomingHearing k = keyless(utc(2026, 3, 16, 15, 30));
  EXPECT_EQ(source_key(k), "dk:26CR012345|preliminary_hearing|2026-03-16T15:30:00.000000Z");
  EXPECT_TRUE(is_natural_key(source_key(k)));
  EXPECT_FALSE(is_natural_key(source_key(h)));
  // A natural key names the original start: a moved instance keeps its identity.
  k.recurrence_id = utc(2026, 3, 9, 15, 30);
  EXPECT_EQ(source_key(k), "dk:26CR012345|preliminary_hearing|2026-03-09T15:30:00.000000Z");
}

TEST(IncomingHearingJson, RoundTrips) {
  IncomingHearing h = hearing("HRG-1", utc(2026, 3, 16, 15, 30));
  h.recurrence_id = utc(2026, 3, 9, 15, 30);
  h.ends_at = utc(2026, 3, 16, 16);
  h.sequence = 4;
  h.cancelled = true;
  h.held = true;
  h.cancel_reason = "Vacated";
  h.note = "Off calendar";
  h.line = 17;
  h.kind_text = "Prelim, \"contested\"";
  auto back = incoming_hearing_from_json(to_json_text(h));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h);
  auto bad = incoming_hearing_from_json("{\"kind\":\"picnic\",\"starts_at\":\"2026-03-16T15:30:00Z\"}");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(incoming_hearing_from_json("[]"));
}

TEST(Enums, OneSpellingEach) {
  for (auto k : {CourtEventKind::arraignment, CourtEventKind::preliminary_hearing, CourtEventKind::readiness,
                 CourtEventKind::trial, CourtEventKind::sentencing, CourtEventKind::restitution, CourtEventKind::motion,
                 CourtEventKind::other})
    EXPECT_EQ(*parse_court_event_kind(to_string(k)), k);
  for (auto s : {CourtEventStatus::scheduled, CourtEventStatus::continued, CourtEventStatus::cancelled,
                 CourtEventStatus::held})
    EXPECT_EQ(*parse_court_event_status(to_string(s)), s);
  EXPECT_EQ(*parse_import_mode("incremental"), ImportMode::incremental);
  auto bad = parse_court_event_kind("Preliminary Hearing", "kind");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.at(0).field, "kind");
}

// ---------------------------------------------------------------------------------------
// Reconciliation

TEST(Reconcile, NewRecordIsCreatedWhenItsCaseIsKnownElseUnmatched) {
  const auto a = hearing("A", utc(2026, 3, 16, 15, 30));
  const auto b = hearing("B", utc(2026, 3, 17, 15, 30));
  auto plan = run({}, {a, b}, ImportMode::snapshot, {kCase, ""});
  ASSERT_EQ(plan.changes.size(), 1u);
  const PlannedChange& c = plan.changes[0];
  EXPECT_EQ(c.action, PlanAction::create);
  EXPECT_EQ(c.incoming, 0u);
  EXPECT_EQ(c.case_id, kCase);
  EXPECT_EQ(c.after.status, CourtEventStatus::scheduled);
  EXPECT_EQ(c.after.source_key, "id:A");
  EXPECT_EQ(c.after.original_starts_at, a.starts_at);
  EXPECT_EQ(c.change, CourtEventChangeKind::created);
  EXPECT_STREQ(notification_kind(c), "hearing_scheduled");
  EXPECT_TRUE(c.moves_deadlines());
  EXPECT_EQ(plan.unmatched, std::vector<std::size_t>{1});
  EXPECT_EQ(plan.unchanged, 0);
}

TEST(Reconcile, TheSameRecordAgainIsUnchanged) {
  const auto a = hearing("A", utc(2026, 3, 16, 15, 30));
  auto plan = run({stored("e1", a)}, {a});
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.unchanged, 1);
  // A continued or held hearing that the court lists unchanged stays as it is.
  EXPECT_TRUE(run({stored("e1", a, CourtEventStatus::continued)}, {a}).changes.empty());
  EXPECT_TRUE(run({stored("e1", a, CourtEventStatus::held)}, {a}).changes.empty());
}

TEST(Reconcile, AMovedStartIsAContinuance) {
  const auto before = hearing("A", utc(2026, 3, 16, 15, 30));
  auto after = before;
  after.starts_at = utc(2026, 3, 30, 15, 30);
  after.sequence = 1;
  auto plan = run({stored("e1", before)}, {after});
  ASSERT_EQ(plan.changes.size(), 1u);
  const PlannedChange& c = plan.changes[0];
  EXPECT_EQ(c.action, PlanAction::continue_);
  EXPECT_EQ(c.event_id, "e1");
  EXPECT_EQ(c.change, CourtEventChangeKind::continued);
  EXPECT_EQ(c.after.status, CourtEventStatus::continued);
  EXPECT_EQ(c.after.starts_at, after.starts_at);
  EXPECT_EQ(c.old_starts_at, before.starts_at);
  EXPECT_EQ(c.after.source_sequence, 1);
  EXPECT_EQ(c.reason, "moved by the court");
  EXPECT_STREQ(notification_kind(c), "hearing_changed");
  EXPECT_TRUE(c.moves_deadlines());
  // The court's own wording is the reason when it gives one.
  after.note = "Continued at request of defense";
  EXPECT_EQ(run({stored("e1", before)}, {after}).changes.at(0).reason, "Continued at request of defense");
}

TEST(Reconcile, OtherFieldsAreUpdatesThatKeepTheStatus) {
  const auto before = hearing("A", utc(2026, 3, 16, 15, 30));
  auto after = before;
  after.department = "Dept. 9";
  after.judge = "Hon. D. Chu";
  auto plan = run({stored("e1", before, CourtEventStatus::continued)}, {after});
  ASSERT_EQ(plan.changes.size(), 1u);
  const PlannedChange& c = plan.changes[0];
  EXPECT_EQ(c.action, PlanAction::update);
  EXPECT_EQ(c.change, CourtEventChangeKind::updated);
  EXPECT_EQ(c.after.status, CourtEventStatus::continued);
  EXPECT_EQ(c.changed_fields, (std::vector<std::string>{"department", "judge"}));
  EXPECT_EQ(c.reason, "changed by the court: department, judge");
  EXPECT_STREQ(notification_kind(c), "hearing_changed");
  EXPECT_FALSE(c.moves_deadlines());  // same day, same kind: the deadlines stand
  after = before;
  after.kind = CourtEventKind::trial;
  after.source_uid = "A";  // same key: the kind is not part of a court id
  auto kind_change = run({stored("e1", before)}, {after});
  ASSERT_EQ(kind_change.changes.size(), 1u);
  EXPECT_EQ(kind_change.changes[0].changed_fields, std::vector<std::string>{"kind"});
  EXPECT_TRUE(kind_change.changes[0].moves_deadlines());
}

TEST(Reconcile, CancelledRecordCancelsOnce) {
  const auto before = hearing("A", utc(2026, 3, 20, 20, 30));
  auto after = before;
  after.cancelled = true;
  after.cancel_reason = "Vacated on defense motion";
  after.sequence = 1;
  auto plan = run({stored("e1", before)}, {after});
  ASSERT_EQ(plan.changes.size(), 1u);
  const PlannedChange& c = plan.changes[0];
  EXPECT_EQ(c.action, PlanAction::cancel);
  EXPECT_EQ(c.after.status, CourtEventStatus::cancelled);
  EXPECT_EQ(c.after.cancel_reason, "Vacated on defense motion");
  EXPECT_EQ(c.reason, "Vacated on defense motion");
  EXPECT_STREQ(notification_kind(c), "hearing_cancelled");
  EXPECT_FALSE(c.old_starts_at);
  // Already cancelled: nothing to do.
  auto again = run({stored("e1", after, CourtEventStatus::cancelled)}, {after});
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(again.unchanged, 1);
  // Without a reason of the court's: a plain one.
  after.cancel_reason.clear();
  EXPECT_EQ(run({stored("e1", before)}, {after}).changes.at(0).reason, "cancelled by the court");
}

TEST(Reconcile, ACancelledHearingSetAgainIsReinstated) {
  const auto h = hearing("A", utc(2026, 3, 20, 20, 30));
  auto plan = run({stored("e1", h, CourtEventStatus::cancelled)}, {h});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, PlanAction::reinstate);
  EXPECT_EQ(plan.changes[0].after.status, CourtEventStatus::scheduled);
  EXPECT_EQ(plan.changes[0].change, CourtEventChangeKind::updated);
  EXPECT_STREQ(notification_kind(plan.changes[0]), "hearing_scheduled");
  auto moved = h;
  moved.starts_at = utc(2026, 4, 3, 20, 30);
  auto plan2 = run({stored("e1", h, CourtEventStatus::cancelled)}, {moved});
  ASSERT_EQ(plan2.changes.size(), 1u);
  EXPECT_EQ(plan2.changes[0].action, PlanAction::reinstate);
  EXPECT_EQ(plan2.changes[0].after.status, CourtEventStatus::continued);
  EXPECT_EQ(plan2.changes[0].change, CourtEventChangeKind::continued);
  EXPECT_EQ(plan2.changes[0].old_starts_at, h.starts_at);
}

TEST(Reconcile, ALowerSequenceNeverOverridesAHigherOne) {
  auto newer = hearing("A", utc(2026, 3, 30, 15, 30));
  newer.sequence = 3;
  auto older = hearing("A", utc(2026, 3, 16, 15, 30));
  older.sequence = 2;
  auto plan = run({stored("e1", newer)}, {older});
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.unchanged, 1);
  older.cancelled = true;  // a stale cancellation does not cancel either
  EXPECT_TRUE(run({stored("e1", newer)}, {older}).changes.empty());
  // An equal or higher one does.
  older.sequence = 3;
  EXPECT_EQ(run({stored("e1", newer)}, {older}).changes.at(0).action, PlanAction::cancel);
}

TEST(Reconcile, OfTwoRecordsOfOneHearingTheHighestSequenceWins) {
  auto first = hearing("A", utc(2026, 3, 16, 15, 30));
  first.sequence = 1;
  first.line = 4;
  auto second = hearing("A", utc(2026, 3, 30, 15, 30));
  second.sequence = 2;
  second.line = 9;
  auto plan = run({}, {first, second});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].incoming, 1u);
  EXPECT_EQ(plan.changes[0].after.starts_at, second.starts_at);
  ASSERT_EQ(plan.rejected.size(), 1u);
  EXPECT_EQ(plan.rejected[0].line, 4u);
  EXPECT_EQ(plan.rejected[0].uid, "A");
  EXPECT_NE(plan.rejected[0].reason.find("line 9"), std::string::npos);
  // A tie: the first stays, the later one is rejected.
  second.sequence = 1;
  auto tie = run({}, {first, second});
  ASSERT_EQ(tie.changes.size(), 1u);
  EXPECT_EQ(tie.changes[0].incoming, 0u);
  ASSERT_EQ(tie.rejected.size(), 1u);
  EXPECT_EQ(tie.rejected[0].line, 9u);
  EXPECT_NE(tie.rejected[0].reason.find("line 4"), std::string::npos);
}

TEST(Reconcile, SnapshotCancelsWhatIsMissingFromNowOn) {
  const auto kept = hearing("KEPT", utc(2026, 3, 16, 15, 30));
  const auto gone = hearing("GONE", utc(2026, 3, 25, 16));
  const auto past = hearing("PAST", utc(2026, 2, 20, 17));
  const auto was_cancelled = hearing("OFF", utc(2026, 3, 27, 17));
  std::vector<StoredHearing> existing = {stored("e1", kept), stored("e2", gone), stored("e3", past),
                                         stored("e4", was_cancelled, CourtEventStatus::cancelled)};
  auto plan = run(existing, {kept});
  ASSERT_EQ(plan.changes.size(), 1u);
  const PlannedChange& c = plan.changes[0];
  EXPECT_EQ(c.action, PlanAction::cancel);
  EXPECT_EQ(c.event_id, "e2");
  EXPECT_FALSE(c.incoming);
  EXPECT_EQ(c.after.starts_at, gone.starts_at);
  EXPECT_EQ(c.after.department, gone.department);
  EXPECT_EQ(c.after.cancel_reason, "no longer on the court's calendar");
  EXPECT_EQ(c.after.source_key, "id:GONE");
  EXPECT_EQ(plan.unchanged, 1);
  // Incremental: nothing missing is touched.
  EXPECT_TRUE(run(existing, {kept}, ImportMode::incremental).changes.empty());
}

TEST(Reconcile, AnEmptySnapshotCancelsNothing) {
  const auto a = hearing("A", utc(2026, 3, 16, 15, 30));
  auto plan = run({stored("e1", a)}, {});
  EXPECT_TRUE(plan.changes.empty());
  ASSERT_EQ(plan.warnings.size(), 1u);
  // Nor does a file whose every record was a duplicate of... nothing: no warning without
  // hearings to protect.
  EXPECT_TRUE(run({}, {}).warnings.empty());
}

TEST(Reconcile, WithoutCourtIdsAMovedHearingIsPairedWithTheOneThatDisappeared) {
  const auto old_prelim = keyless(utc(2026, 4, 16, 15, 30));
  const auto readiness = keyless(utc(2026, 4, 21, 20, 30), CourtEventKind::readiness);
  auto new_prelim = keyless(utc(2026, 4, 30, 15, 30));
  new_prelim.note = "Continued";
  auto plan = run({stored("e1", old_prelim), stored("e2", readiness)}, {new_prelim, readiness});
  ASSERT_EQ(plan.changes.size(), 1u);
  const PlannedChange& c = plan.changes[0];
  EXPECT_EQ(c.action, PlanAction::continue_);
  EXPECT_EQ(c.event_id, "e1");
  EXPECT_EQ(c.old_starts_at, old_prelim.starts_at);
  EXPECT_EQ(c.after.starts_at, new_prelim.starts_at);
  EXPECT_EQ(c.after.source_key, source_key(new_prelim));  // the hearing takes its new key
  EXPECT_EQ(c.reason, "Continued");
  EXPECT_EQ(plan.unchanged, 1);
}

TEST(Reconcile, PairingNeedsExactlyOneOnEachSide) {
  const auto a = keyless(utc(2026, 4, 16, 15, 30));
  const auto b = keyless(utc(2026, 4, 17, 15, 30));
  const auto fresh = keyless(utc(2026, 4, 30, 15, 30));
  // Two gone, one new: which one moved is not known. Create the new one, cancel both.
  auto plan = run({stored("e1", a), stored("e2", b)}, {fresh});
  ASSERT_EQ(plan.changes.size(), 3u);
  EXPECT_EQ(plan.changes[0].action, PlanAction::create);
  EXPECT_EQ(plan.changes[1].action, PlanAction::cancel);
  EXPECT_EQ(plan.changes[2].action, PlanAction::cancel);
  // Another kind or another docket is another hearing.
  const auto motion = keyless(utc(2026, 4, 30, 15, 30), CourtEventKind::motion);
  auto other_kind = run({stored("e1", a)}, {motion});
  ASSERT_EQ(other_kind.changes.size(), 2u);
  EXPECT_EQ(other_kind.changes[0].action, PlanAction::create);
  EXPECT_EQ(other_kind.changes[1].action, PlanAction::cancel);
  const auto other_docket = keyless(utc(2026, 4, 30, 15, 30), CourtEventKind::preliminary_hearing, "26-CR-054321");
  EXPECT_EQ(run({stored("e1", a)}, {other_docket}).changes.size(), 2u);
  // Hearings with court ids are never paired.
  const auto with_id = hearing("X", utc(2026, 4, 16, 15, 30));
  auto moved_id = hearing("Y", utc(2026, 4, 30, 15, 30));
  EXPECT_EQ(run({stored("e1", with_id)}, {moved_id}).changes.size(), 2u);
  // Incremental imports do not pair (nothing is missing in an update).
  auto inc = run({stored("e1", a)}, {fresh}, ImportMode::incremental);
  ASSERT_EQ(inc.changes.size(), 1u);
  EXPECT_EQ(inc.changes[0].action, PlanAction::create);
}

TEST(Reconcile, AMovedInstanceSeenFirstIsCreatedContinued) {
  auto h = hearing("SERIES", utc(2026, 3, 23, 15, 30));
  h.recurrence_id = utc(2026, 3, 16, 15, 30);
  auto plan = run({}, {h});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, PlanAction::create);
  EXPECT_EQ(plan.changes[0].after.status, CourtEventStatus::continued);
  EXPECT_EQ(plan.changes[0].after.original_starts_at, h.recurrence_id);
  EXPECT_EQ(plan.changes[0].old_starts_at, h.recurrence_id);
}

TEST(Reconcile, ARecordFirstSeenCancelledIsKeptWithoutAnAlert) {
  auto h = hearing("A", utc(2026, 3, 16, 15, 30));
  h.cancelled = true;
  auto plan = run({}, {h});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, PlanAction::create);
  EXPECT_EQ(plan.changes[0].after.status, CourtEventStatus::cancelled);
  EXPECT_STREQ(notification_kind(plan.changes[0]), "");
}

TEST(Reconcile, AHearingTheCourtReportsHeldIsHeldForGood) {
  const auto before = hearing("A", utc(2026, 2, 27, 17));  // last Friday
  auto after = before;
  after.held = true;
  after.note = "Heard and submitted";
  auto plan = run({stored("e1", before)}, {after});
  ASSERT_EQ(plan.changes.size(), 1u);
  const PlannedChange& c = plan.changes[0];
  EXPECT_EQ(c.action, PlanAction::update);
  EXPECT_EQ(c.after.status, CourtEventStatus::held);
  EXPECT_EQ(c.changed_fields, std::vector<std::string>{"status"});
  EXPECT_EQ(c.reason, "held: Heard and submitted");
  EXPECT_STREQ(notification_kind(c), "");  // it changes nobody's plans
  EXPECT_FALSE(c.moves_deadlines());
  // Reported held again, or no longer said to be: nothing changes.
  EXPECT_TRUE(run({stored("e1", after, CourtEventStatus::held)}, {after}).changes.empty());
  EXPECT_TRUE(run({stored("e1", after, CourtEventStatus::held)}, {before}).changes.empty());
  // Held with another field changed: both, and the alert of a change.
  auto moved_dept = after;
  moved_dept.department = "Dept. 9";
  auto both = run({stored("e1", before)}, {moved_dept});
  ASSERT_EQ(both.changes.size(), 1u);
  EXPECT_EQ(both.changes[0].after.status, CourtEventStatus::held);
  EXPECT_EQ(both.changes[0].changed_fields, (std::vector<std::string>{"department", "status"}));
  EXPECT_STREQ(notification_kind(both.changes[0]), "hearing_changed");
  // First seen held (an old calendar imported late): kept as held, without an alert.
  auto created = run({}, {after});
  ASSERT_EQ(created.changes.size(), 1u);
  EXPECT_EQ(created.changes[0].action, PlanAction::create);
  EXPECT_EQ(created.changes[0].after.status, CourtEventStatus::held);
  EXPECT_STREQ(notification_kind(created.changes[0]), "");
  // A cancelled hearing the court then reports held was held.
  auto reinstated = run({stored("e1", before, CourtEventStatus::cancelled)}, {after});
  ASSERT_EQ(reinstated.changes.size(), 1u);
  EXPECT_EQ(reinstated.changes[0].after.status, CourtEventStatus::held);
  EXPECT_STREQ(notification_kind(reinstated.changes[0]), "");
}

TEST(Reconcile, AStoredHearingIsMatchedEvenWhenItsDocketNoLongerMatchesACase) {
  const auto a = hearing("A", utc(2026, 3, 16, 15, 30));
  auto moved = a;
  moved.starts_at = utc(2026, 3, 18, 15, 30);
  auto plan = run({stored("e1", a)}, {moved}, ImportMode::snapshot, {""});
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].case_id, kCase);
  EXPECT_TRUE(plan.unmatched.empty());
}

// ---------------------------------------------------------------------------------------
// Deadlines

std::vector<std::string> rules(const Result<std::vector<Deadline>>& ds) {
  std::vector<std::string> out;
  for (const auto& d : *ds) out.push_back(d.rule_id);
  return out;
}

TEST(HearingDeadlines, ByKindAndFacts) {
  const auto calendar = CourtCalendar::with_closures({}).value();
  const TimePoint monday = utc(2026, 3, 16, 15, 30);  // 08:30 PDT
  HearingFacts facts;
  facts.stage = Stage::arraigned;
  auto prelim = hearing_deadlines(CourtEventKind::preliminary_hearing, monday, facts, calendar);
  ASSERT_TRUE(prelim);
  EXPECT_EQ(rules(prelim), std::vector<std::string>{"pc1050_continuance_motion"});
  EXPECT_EQ(prelim->at(0).due_date, sys_days(year(2026) / 3 / 12));  // 2 court days before, CCP 12c
  EXPECT_EQ(prelim->at(0).trigger, "hearing");
  EXPECT_EQ(prelim->at(0).trigger_date, sys_days(year(2026) / 3 / 16));
  EXPECT_EQ(rules(hearing_deadlines(CourtEventKind::sentencing, monday, facts, calendar)),
            (std::vector<std::string>{"pc1050_continuance_motion", "pc1203_probation_report"}));
  EXPECT_EQ(rules(hearing_deadlines(CourtEventKind::restitution, monday, facts, calendar)),
            (std::vector<std::string>{"pc1050_continuance_motion", "pc1202_4_restitution_notice"}));
  facts.victim_requested_notice = true;
  auto noticed = hearing_deadlines(CourtEventKind::trial, monday, facts, calendar);
  EXPECT_EQ(rules(noticed), (std::vector<std::string>{"pc1050_continuance_motion", "victim_notice"}));
  EXPECT_EQ(noticed->at(1).due_date, sys_days(year(2026) / 3 / 9));
  facts.victim_requested_notice = false;
  // An ended prosecution: nothing, except a restitution hearing after sentencing.
  facts.stage = Stage::dismissed;
  EXPECT_TRUE(hearing_deadlines(CourtEventKind::trial, monday, facts, calendar)->empty());
  facts.stage = Stage::sentenced;
  EXPECT_TRUE(hearing_deadlines(CourtEventKind::motion, monday, facts, calendar)->empty());
  EXPECT_EQ(rules(hearing_deadlines(CourtEventKind::restitution, monday, facts, calendar)),
            (std::vector<std::string>{"pc1050_continuance_motion", "pc1202_4_restitution_notice"}));
}

// ---------------------------------------------------------------------------------------
// Text and reports

TEST(CleanText, ValidUtf8NoControlsBounded) {
  EXPECT_EQ(clean_text("Dept. 12\tRoom 3"), "Dept. 12\tRoom 3");
  EXPECT_EQ(clean_text(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(clean_text("Se\xf1or"), "Se\xEF\xBF\xBDor");           // Latin-1 byte
  EXPECT_EQ(clean_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");   // overlong
  EXPECT_EQ(clean_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(clean_text("Pe\xC3\xB1" "a"), "Pe\xC3\xB1" "a");
  EXPECT_EQ(clean_text("\xC3\xB1\xC3\xB1", 3), "\xC3\xB1");  // never half a character
  EXPECT_EQ(clean_text("abcdef", 4), "abcd");
}

TEST(ImportReportJson, HasApiFields) {
  ImportReport r;
  r.created = 2;
  r.updated = 1;
  r.unmatched = 3;
  r.rejected.push_back({7, std::nullopt, "no date"});
  r.rejected.push_back({std::nullopt, std::string("uid-1"), "bad DTSTART"});
  auto v = boost::json::parse(to_json_text(r)).as_object();
  EXPECT_EQ(v.at("created").as_int64(), 2);
  EXPECT_EQ(v.at("updated").as_int64(), 1);
  EXPECT_EQ(v.at("cancelled").as_int64(), 0);
  EXPECT_EQ(v.at("unchanged").as_int64(), 0);
  EXPECT_EQ(v.at("unmatched").as_int64(), 3);
  const auto& rejected = v.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0].as_object().at("line").as_int64(), 7);
  EXPECT_FALSE(rejected[0].as_object().contains("uid"));
  EXPECT_EQ(rejected[1].as_object().at("uid").as_string(), "uid-1");
  EXPECT_FALSE(rejected[1].as_object().contains("line"));
}

}  // namespace
}  // namespace heat
