#include "engine/deadline_rules.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

// Every due below was worked by hand on printed 2026-2027 calendars; each row says how.
namespace heat {
namespace {

using std::chrono::sys_days;

constexpr sys_days D(int y, unsigned m, unsigned d) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

TimePoint utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return TimePoint{D(y, m, d).time_since_epoch() + std::chrono::hours{h} + std::chrono::minutes{min}};
}

DeadlineRule rule(std::string_view id) {
  auto r = find_deadline_rule(id);
  EXPECT_TRUE(r) << id;
  return r ? *r : DeadlineRule{};
}

// ---------------------------------------------------------------------------------------
// The table

struct CitationRow {
  const char* id;
  const char* citation;
  DeadlineEvent trigger;
  int period;
  PeriodUnit unit;
  Direction direction;
};

TEST(DeadlineRules, TableRowsAsLegalMdStatesThem) {
  using enum DeadlineEvent;
  using enum PeriodUnit;
  using enum Direction;
  // clang-format off
  const CitationRow rows[] = {
      {"pc825_arraignment",                "PC 825(a)",        book,                   48, hours,         forward},
      {"pc859b_prelim",                    "PC 859b",          arraign,                10, court_days,    forward},
      {"pc859b_prelim_outer",              "PC 859b",          arraign,                60, calendar_days, forward},
      {"pc739_information",                "PC 739",           hold_to_answer,         15, calendar_days, forward},
      {"pc1382_felony_trial",              "PC 1382(a)(2)",    arraign_on_information, 60, calendar_days, forward},
      {"pc1382_felony_trial_indictment",   "PC 1382(a)(2)",    indict,                 60, calendar_days, forward},
      {"pc1382_misdemeanor_trial_custody", "PC 1382(a)(3)",    arraign,                30, calendar_days, forward},
      {"pc1382_misdemeanor_trial",         "PC 1382(a)(3)",    arraign,                45, calendar_days, forward},
      {"pc1048_minor_victim_trial",        "PC 1048(b)",       arraign,                30, calendar_days, forward},
      {"pc1050_continuance_motion",        "PC 1050(b)",       hearing,                 2, court_days,    backward},
      {"pc1054_7_discovery",               "PC 1054.7",        set_trial_date,         30, calendar_days, backward},
      {"pc1191_sentencing",                "PC 1191",          verdict_guilty,         20, court_days,    forward},
      {"pc1191_sentencing_plea",           "PC 1191",          plead_guilty,           20, court_days,    forward},
      {"pc1203_probation_report",          "PC 1203(b)(2)(E)", hearing,                 5, calendar_days, backward},
      {"pc1203_probation_report_early",    "PC 1203(b)(2)(E)", hearing,                 9, calendar_days, backward},
      {"pc1202_4_restitution_notice",      "PC 1202.4(f)(1)",  hearing,                10, calendar_days, backward},
      {"victim_notice",                    "CONST art. I \u00a728(b)(6)\u2013(8); PC 679.02", hearing, 7, calendar_days, backward},
  };
  // clang-format on
  ASSERT_EQ(deadline_rules().size(), std::size(rows));
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    const auto& want = rows[i];
    const auto& got = deadline_rules()[i];
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.citation, want.citation) << want.id;
    EXPECT_EQ(got.trigger, want.trigger) << want.id;
    EXPECT_EQ(got.period, want.period) << want.id;
    EXPECT_EQ(got.unit, want.unit) << want.id;
    EXPECT_EQ(got.direction, want.direction) << want.id;
  }
}

TEST(DeadlineRules, IdsAreUniqueAndEveryRowIsComplete) {
  std::set<std::string_view> ids;
  const std::set<DeadlineEvent> lifecycle_triggers = {
      DeadlineEvent::book,         DeadlineEvent::arraign,        DeadlineEvent::hold_to_answer,
      DeadlineEvent::arraign_on_information, DeadlineEvent::indict, DeadlineEvent::plead_guilty,
      DeadlineEvent::verdict_guilty, DeadlineEvent::set_trial_date, DeadlineEvent::hearing};
  for (const auto& r : deadline_rules()) {
    EXPECT_TRUE(ids.insert(r.id).second) << "duplicate " << r.id;
    EXPECT_FALSE(r.citation.empty()) << r.id;
    EXPECT_FALSE(r.title.empty()) << r.id;
    EXPECT_GT(r.period, 0) << r.id;
    EXPECT_NE(r.met_by, EventSet{}) << r.id;
    EXPECT_TRUE(lifecycle_triggers.contains(r.trigger)) << r.id;
    if (has(r.relief, Relief::general_time_waiver)) {
      EXPECT_GT(r.after_withdrawal, 0) << r.id;
      EXPECT_EQ(r.after_consent, 10) << r.id;
    }
  }
}

TEST(DeadlineRules, ConditionsMetByAndRelief) {
  const auto prelim = rule("pc859b_prelim");
  EXPECT_EQ(prelim.conditions, Condition::felony | Condition::in_custody);
  EXPECT_TRUE(prelim.met_by.contains(DeadlineEvent::hold_to_answer));
  EXPECT_TRUE(prelim.met_by.contains(DeadlineEvent::discharge));
  EXPECT_FALSE(prelim.met_by.contains(DeadlineEvent::start_trial));
  EXPECT_TRUE(has(prelim.relief, Relief::personal_waiver));

  const auto felony_trial = rule("pc1382_felony_trial");
  EXPECT_TRUE(has(felony_trial.relief, Relief::general_time_waiver | Relief::withdrawn_waiver_restarts |
                                           Relief::consent_to_later_date | Relief::warrant_restarts));
  EXPECT_EQ(felony_trial.after_withdrawal, 60);
  EXPECT_EQ(rule("pc1382_misdemeanor_trial").after_withdrawal, 30);  // LEGAL.md: 30 days after a withdrawal

  EXPECT_EQ(rule("pc1203_probation_report").hearing, HearingKind::sentencing);
  EXPECT_EQ(rule("pc1202_4_restitution_notice").hearing, HearingKind::restitution);
  EXPECT_TRUE(rule("victim_notice").period_configurable);
  EXPECT_FALSE(rule("pc1050_continuance_motion").period_configurable);
}

TEST(DeadlineRules, UnknownIdIsNotFound) {
  auto r = find_deadline_rule("pc9999");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
}

// ---------------------------------------------------------------------------------------
// Which rules an event starts

struct TriggerRow {
  DeadlineEvent event;
  CaseFacts facts;
  HearingKind hearing;
  std::vector<std::string_view> expected;
  const char* why;
};

TEST(DeadlineRules, RulesTriggeredBy) {
  CaseFacts felony_in{.felony = true, .in_custody = true};
  CaseFacts felony_out{.felony = true, .in_custody = false};
  CaseFacts misd_in{.felony = false, .in_custody = true};
  CaseFacts misd_out_minor{.felony = false, .in_custody = false, .minor_victim = true};
  CaseFacts notice{.victim_requested_notice = true};
  CaseFacts notice_early{.victim_requested_notice = true, .early_report_requested = true};
  // clang-format off
  const TriggerRow rows[] = {
      {DeadlineEvent::book,    felony_in,      HearingKind::any, {"pc825_arraignment"}, "in custody: 48 hours"},
      {DeadlineEvent::book,    felony_out,     HearingKind::any, {}, "out of custody: no arraignment clock"},
      {DeadlineEvent::arraign, felony_in,      HearingKind::any, {"pc859b_prelim", "pc859b_prelim_outer"}, "felony in custody: both prelim clocks"},
      {DeadlineEvent::arraign, felony_out,     HearingKind::any, {"pc859b_prelim_outer"}, "out of custody: the 60-day limit only"},
      {DeadlineEvent::arraign, misd_in,        HearingKind::any, {"pc1382_misdemeanor_trial_custody"}, "misdemeanor in custody: 30 days"},
      {DeadlineEvent::arraign, misd_out_minor, HearingKind::any, {"pc1382_misdemeanor_trial", "pc1048_minor_victim_trial"}, "45 days, and 30 for the minor victim"},
      {DeadlineEvent::arraign_on_information, felony_out, HearingKind::any, {"pc1382_felony_trial"}, "60 days to trial"},
      {DeadlineEvent::indict,  felony_out,     HearingKind::any, {"pc1382_felony_trial_indictment"}, "60 days to trial"},
      {DeadlineEvent::hold_to_answer, felony_in, HearingKind::any, {"pc739_information"}, "15 days to file"},
      {DeadlineEvent::verdict_guilty, felony_in, HearingKind::any, {"pc1191_sentencing"}, "20 judicial days"},
      {DeadlineEvent::plead_guilty, misd_in,   HearingKind::any, {"pc1191_sentencing_plea"}, "20 judicial days"},
      {DeadlineEvent::set_trial_date, felony_out, HearingKind::any, {"pc1054_7_discovery"}, "discovery 30 days before"},
      {DeadlineEvent::hearing, felony_out,     HearingKind::any, {"pc1050_continuance_motion"}, "any hearing, no victim asking"},
      {DeadlineEvent::hearing, notice,         HearingKind::sentencing, {"pc1050_continuance_motion", "pc1203_probation_report", "victim_notice"}, "sentencing"},
      {DeadlineEvent::hearing, notice_early,   HearingKind::sentencing, {"pc1050_continuance_motion", "pc1203_probation_report", "pc1203_probation_report_early", "victim_notice"}, "sentencing, report asked 9 days ahead"},
      {DeadlineEvent::hearing, felony_out,     HearingKind::restitution, {"pc1050_continuance_motion", "pc1202_4_restitution_notice"}, "restitution modification"},
      {DeadlineEvent::start_trial, felony_in,  HearingKind::any, {}, "meets deadlines, starts none"},
  };
  // clang-format on
  for (const auto& r : rows) {
    std::vector<std::string_view> got;
    for (const auto& rule : rules_triggered_by(r.event, r.facts, r.hearing)) got.push_back(rule.id);
    EXPECT_EQ(got, r.expected) << r.why;
  }
}

// ---------------------------------------------------------------------------------------
// compute_due: each rule on at least one hand-worked example

struct DueRow {
  const char* id;
  sys_days trigger;
  sys_days expected;
  const char* why;
};

const DueRow kDayRows[] = {
    // clang-format off
    {"pc859b_prelim",                    D(2026, 11, 19), D(2026, 12, 7),  "Thu: Fri 20, Nov 23-25, (Thanksgiving 26-27), Nov 30, Dec 1-4 = 9, Mon Dec 7 = 10th court day"},
    {"pc859b_prelim_outer",              D(2026, 11, 19), D(2027, 1, 19),  "+11 = Nov 30, +31 = Dec 31, +18 = Mon Jan 18 2027, MLK Day: Tue Jan 19"},
    {"pc739_information",                D(2026, 11, 12), D(2026, 11, 30), "+15 = Fri Nov 27, day after Thanksgiving: Mon Nov 30"},
    {"pc1382_felony_trial",              D(2026, 9, 28),  D(2026, 11, 30), "Mon Sep 28 +2 = Sep 30, +31 = Oct 31, +27 = Fri Nov 27 (holiday): Mon Nov 30"},
    {"pc1382_felony_trial_indictment",   D(2026, 3, 3),   D(2026, 5, 4),   "+28 = Mar 31, +30 = Apr 30, +2 = Sat May 2: Mon May 4"},
    {"pc1382_misdemeanor_trial_custody", D(2026, 11, 2),  D(2026, 12, 2),  "+28 = Nov 30, +2 = Wed Dec 2"},
    {"pc1382_misdemeanor_trial",         D(2026, 11, 2),  D(2026, 12, 17), "+28 = Nov 30, +17 = Thu Dec 17"},
    {"pc1048_minor_victim_trial",        D(2026, 5, 20),  D(2026, 6, 22),  "+11 = May 31, +19 = Fri Jun 19, Juneteenth: Mon Jun 22"},
    {"pc1050_continuance_motion",        D(2026, 4, 1),   D(2026, 3, 27),  "hearing Wed Apr 1: Cesar Chavez Tue 31 closed, Mon 30 (1), Fri 27 (2)"},
    {"pc1054_7_discovery",               D(2026, 6, 1),   D(2026, 5, 1),   "trial Mon Jun 1 - 30 = Sat May 2: earlier, Fri May 1"},
    {"pc1191_sentencing",                D(2026, 11, 12), D(2026, 12, 14), "Thu: Nov 13, 16-20, 23-25 (9), Nov 30 (10), Dec 1-4 (14), 7-11 (19), Mon Dec 14 (20)"},
    {"pc1191_sentencing_plea",           D(2026, 12, 15), D(2027, 1, 14),  "Tue: Dec 16-18 (3), 21-24 (7), 28-31 (11), Jan 4-8 (16), Jan 11-14 (20); Dec 25, Jan 1 closed"},
    {"pc1203_probation_report",          D(2026, 12, 1),  D(2026, 11, 25), "sentencing Tue Dec 1 - 5 = Thanksgiving: earlier, Wed Nov 25"},
    {"pc1203_probation_report_early",    D(2026, 12, 1),  D(2026, 11, 20), "- 9 = Sun Nov 22: earlier, Fri Nov 20"},
    {"pc1202_4_restitution_notice",      D(2027, 1, 11),  D(2026, 12, 31), "Mon Jan 11 2027 - 10 = Fri Jan 1, New Year: Thu Dec 31 2026"},
    {"victim_notice",                    D(2027, 6, 25),  D(2027, 6, 17),  "Fri Jun 25 2027 - 7 = Fri Jun 18, Juneteenth observed: Thu Jun 17"},
    // clang-format on
};

TEST(ComputeDue, DayRules) {
  const CourtCalendar cal;
  for (const auto& r : kDayRows) {
    auto due = compute_due(rule(r.id), r.trigger, cal);
    ASSERT_TRUE(due) << r.id;
    EXPECT_EQ(due->date, r.expected) << r.id << ": " << r.why;
    EXPECT_FALSE(due->instant) << r.id;
  }
}

TEST(ComputeDue, HourRuleAcrossTheSpringDstChange) {
  // Arrest Sat Mar 7 2026 10:00 PST (18:00Z): Sat 14 h, Sunday (DST begins) skipped, Mon 24 h,
  // Tue 10 h -> Tue Mar 10 10:00 PDT = 17:00Z, within the session.
  auto due = compute_due(rule("pc825_arraignment"), utc(2026, 3, 7, 18), CourtCalendar{});
  ASSERT_TRUE(due);
  EXPECT_EQ(due->instant, utc(2026, 3, 10, 17));
  EXPECT_EQ(due->date, D(2026, 3, 10));
}

TEST(ComputeDue, HourRuleAcrossTheFallDstChange) {
  // Arrest Sat Oct 31 2026 10:00 PDT (17:00Z): Sat 14 h, Sunday (DST ends) skipped, Mon 24 h,
  // Tue 10 h -> Tue Nov 3 10:00 PST = 18:00Z.
  auto due = compute_due(rule("pc825_arraignment"), utc(2026, 10, 31, 17), CourtCalendar{});
  ASSERT_TRUE(due);
  EXPECT_EQ(due->instant, utc(2026, 11, 3, 18));
}

TEST(ComputeDue, HourRuleNeedsAnInstant) {
  auto due = compute_due(rule("pc825_arraignment"), D(2026, 3, 7), CourtCalendar{});
  ASSERT_FALSE(due);
  EXPECT_EQ(due.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(due.error().fields[0].field, "trigger");
}

TEST(ComputeDue, DayRuleFromAnInstantCountsFromTheCourtLocalDate) {
  // 2026-11-03T06:30Z is Mon Nov 2 22:30 PST: the arraignment day is Nov 2, due Wed Dec 2
  // (counting from the UTC date, Nov 3, would say Dec 3).
  auto due = compute_due(rule("pc1382_misdemeanor_trial_custody"), utc(2026, 11, 3, 6, 30), CourtCalendar{});
  ASSERT_TRUE(due);
  EXPECT_EQ(due->date, D(2026, 12, 2));
}

TEST(ComputeDue, EveryRuleHasAHandWorkedExample) {
  std::set<std::string_view> covered = {"pc825_arraignment"};  // the hour tests above
  for (const auto& r : kDayRows) covered.insert(r.id);
  for (const auto& r : deadline_rules()) EXPECT_TRUE(covered.contains(r.id)) << r.id << " has no example";
}

// ---------------------------------------------------------------------------------------
// PC 1382: waivers and warrants

struct SpeedyRow {
  const char* id;
  sys_days trigger;
  SpeedyTrialFacts facts;
  std::optional<sys_days> expected;
  const char* why;
};

TEST(SpeedyTrial, WaiversAndWarrants) {
  using TW = TimeWaiver;
  // clang-format off
  const SpeedyRow rows[] = {
      {"pc1382_felony_trial", D(2026, 9, 28), {}, D(2026, 11, 30),
       "no waiver: 60 days from Mon Sep 28 = Fri Nov 27 (holiday): Mon Nov 30"},
      {"pc1382_felony_trial", D(2026, 9, 28), {.waiver = TW::general}, std::nullopt,
       "general time waiver: no deadline"},
      {"pc1382_felony_trial", D(2026, 9, 28), {.waiver = TW::withdrawn, .waiver_withdrawn_on = D(2026, 10, 2)}, D(2026, 12, 1),
       "withdrawn Fri Oct 2: +29 = Oct 31, +30 = Nov 30, +1 = Tue Dec 1"},
      {"pc1382_felony_trial", D(2026, 9, 28), {.waiver = TW::later_date, .consented_date = D(2026, 12, 15)}, D(2026, 12, 28),
       "consent to Tue Dec 15: +10 = Fri Dec 25, Christmas: Mon Dec 28"},
      {"pc1382_felony_trial", D(2026, 9, 28), {.warrant_outstanding = true}, std::nullopt,
       "failure to appear, warrant outstanding: tolled"},
      {"pc1382_felony_trial", D(2026, 9, 28), {.waiver = TW::withdrawn, .waiver_withdrawn_on = D(2026, 10, 2), .warrant_outstanding = true}, std::nullopt,
       "a warrant wins over a withdrawn waiver"},
      {"pc1382_felony_trial", D(2026, 9, 28), {.next_appearance = D(2027, 2, 1)}, D(2027, 4, 2),
       "appeared Mon Feb 1 2027: +27 = Feb 28, +31 = Mar 31, +2 = Fri Apr 2"},
      {"pc1382_felony_trial", D(2026, 9, 28), {.waiver = TW::withdrawn, .waiver_withdrawn_on = D(2026, 10, 2), .next_appearance = D(2027, 2, 1)}, D(2027, 4, 2),
       "withdrawn, then a warrant, then an appearance: 60 days from the appearance"},
      {"pc1382_felony_trial_indictment", D(2026, 3, 3), {.waiver = TW::withdrawn, .waiver_withdrawn_on = D(2026, 4, 6)}, D(2026, 6, 5),
       "withdrawn Mon Apr 6: +24 = Apr 30, +31 = May 31, +5 = Fri Jun 5"},
      {"pc1382_misdemeanor_trial", D(2026, 11, 2), {.waiver = TW::withdrawn, .waiver_withdrawn_on = D(2026, 11, 20)}, D(2026, 12, 21),
       "misdemeanor: 30 days from Fri Nov 20 = Sun Dec 20: Mon Dec 21"},
      {"pc1382_misdemeanor_trial_custody", D(2026, 11, 2), {.next_appearance = D(2026, 12, 1)}, D(2026, 12, 31),
       "misdemeanor in custody, appeared Tue Dec 1: its own 30 days, Thu Dec 31"},
  };
  // clang-format on
  const CourtCalendar cal;
  for (const auto& r : rows) {
    auto due = speedy_trial_due(rule(r.id), r.trigger, r.facts, cal);
    ASSERT_TRUE(due) << r.why;
    EXPECT_EQ(*due, r.expected) << r.why;
  }
}

TEST(SpeedyTrial, Errors) {
  const CourtCalendar cal;
  auto not_speedy = speedy_trial_due(rule("pc739_information"), D(2026, 1, 5), {}, cal);
  ASSERT_FALSE(not_speedy);
  EXPECT_EQ(not_speedy.error().fields[0].field, "rule");

  auto no_date = speedy_trial_due(rule("pc1382_felony_trial"), D(2026, 1, 5), {.waiver = TimeWaiver::withdrawn}, cal);
  ASSERT_FALSE(no_date);
  EXPECT_EQ(no_date.error().fields[0].field, "waiver_withdrawn_on");

  auto no_consent = speedy_trial_due(rule("pc1382_felony_trial"), D(2026, 1, 5), {.waiver = TimeWaiver::later_date}, cal);
  ASSERT_FALSE(no_consent);
  EXPECT_EQ(no_consent.error().fields[0].field, "consented_date");

  auto early = speedy_trial_due(rule("pc1382_felony_trial"), D(2026, 1, 5), {.next_appearance = D(2026, 1, 4)}, cal);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().fields[0].field, "next_appearance");
}

// ---------------------------------------------------------------------------------------
// String mappings

TEST(DeadlineStrings, EnumsRoundTrip) {
  for (int i = 0; i < kDeadlineEventCount; ++i) {
    const auto e = static_cast<DeadlineEvent>(i);
    EXPECT_EQ(parse_deadline_event(to_string(e)), e) << i;
  }
  EXPECT_STREQ(to_string(DeadlineEvent::arraign_on_information), "arraign_on_information");
  EXPECT_STREQ(to_string(DeadlineEvent::notice_sent), "notice_sent");
  for (auto k : {HearingKind::any, HearingKind::sentencing, HearingKind::restitution}) {
    EXPECT_EQ(parse_hearing_kind(to_string(k)), k);
  }
  for (auto u : {PeriodUnit::court_days, PeriodUnit::calendar_days, PeriodUnit::hours}) {
    EXPECT_EQ(parse_period_unit(to_string(u)), u);
  }
  EXPECT_STREQ(to_string(PeriodUnit::court_days), "court_days");
  for (auto d : {Direction::forward, Direction::backward}) EXPECT_EQ(parse_direction(to_string(d)), d);
  for (auto w : {TimeWaiver::none, TimeWaiver::general, TimeWaiver::withdrawn, TimeWaiver::later_date}) {
    EXPECT_EQ(parse_time_waiver(to_string(w)), w);
  }
  EXPECT_EQ(parse_deadline_event("arrest"), std::nullopt);
  EXPECT_EQ(parse_period_unit("weeks"), std::nullopt);
}

TEST(DeadlineStrings, FlagSetsJoinWithCommas) {
  EXPECT_EQ(to_string(Condition::felony | Condition::in_custody), "in_custody,felony");
  EXPECT_EQ(to_string(Condition::none), "");
  EXPECT_EQ(parse_conditions("in_custody,felony"), Condition::felony | Condition::in_custody);
  EXPECT_EQ(parse_conditions(""), Condition::none);
  EXPECT_EQ(parse_conditions("felony,"), std::nullopt);
  EXPECT_EQ(parse_conditions("felon"), std::nullopt);
  for (const auto& r : deadline_rules()) {
    EXPECT_EQ(parse_conditions(to_string(r.conditions)), r.conditions) << r.id;
    EXPECT_EQ(parse_relief(to_string(r.relief)), r.relief) << r.id;
  }
  EXPECT_EQ(to_string(rule("pc1382_felony_trial").relief),
            "general_time_waiver,withdrawn_waiver_restarts,consent_to_later_date,warrant_restarts");
}

}  // namespace
}  // namespace heat
