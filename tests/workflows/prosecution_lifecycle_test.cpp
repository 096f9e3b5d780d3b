#include "workflows/prosecution_lifecycle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

// The lifecycle's rules, written out a second time here (kSpec and the model below) from
// DESIGN.md and the decisions in prosecution_lifecycle.hpp, and checked against the machine.
namespace heat {
namespace {

using lifecycle::allowed_events;
using lifecycle::apply;
using lifecycle::event_names;
using lifecycle::LifecycleEvent;
using lifecycle::replay;
using lifecycle::Transition;
using std::chrono::sys_days;

constexpr sys_days D(int y, unsigned m, unsigned d) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// 2026-03-03 01:30 UTC is still 2026-03-02 in Los Angeles.
const TimePoint kAt = TimePoint{D(2026, 3, 3).time_since_epoch() + std::chrono::minutes{90}};

Charge charge(std::string id, Disposition d = Disposition::pending) {
  Charge c;
  c.id = std::move(id);
  c.statute = "PC 236.1(b)";
  c.disposition = d;
  return c;
}

std::vector<Charge> two_pending() { return {charge("c1"), charge("c2")}; }

ProsecutionSnapshot at(Stage s, std::vector<Charge> charges = two_pending()) {
  ProsecutionSnapshot p;
  p.stage = s;
  p.charges = std::move(charges);
  return p;
}

LifecycleEvent event(std::string name, std::vector<std::string> ids = {}) {
  LifecycleEvent e;
  e.name = std::move(name);
  e.occurred_at = kAt;
  e.charge_ids = std::move(ids);
  if (e.name == "set_trial_date") e.trial_date = D(2026, 6, 1);
  return e;
}

std::vector<Disposition> dispositions(const ProsecutionSnapshot& s) {
  std::vector<Disposition> out;
  for (const auto& c : s.charges) out.push_back(c.disposition);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// ---------------------------------------------------------------------------------------------
// The stage region's table, as the specification: (from, event) -> to; to == from for the rows
// that leave the stage alone (time events, partial decisions).
struct SpecRow {
  Stage from;
  const char* event;
  Stage to;
};

using S = Stage;
const SpecRow kSpec[] = {
    {S::referred, "decline", S::declined},
    {S::referred, "file_complaint", S::charged},
    {S::referred, "indict", S::charged},
    {S::declined, "reopen", S::referred},
    {S::charged, "arraign", S::arraigned},
    {S::charged, "arraign", S::pretrial},
    {S::charged, "dismiss", S::dismissed},
    {S::charged, "dismiss", S::charged},
    {S::arraigned, "hold_to_answer", S::held_to_answer},
    {S::arraigned, "discharge", S::dismissed},
    {S::arraigned, "plead_guilty", S::convicted},
    {S::arraigned, "dismiss", S::dismissed},
    {S::arraigned, "dismiss", S::arraigned},
    {S::arraigned, "waive_time", S::arraigned},
    {S::arraigned, "withdraw_time_waiver", S::arraigned},
    {S::arraigned, "set_trial_date", S::arraigned},
    {S::held_to_answer, "arraign_on_information", S::pretrial},
    {S::held_to_answer, "plead_guilty", S::convicted},
    {S::held_to_answer, "dismiss", S::dismissed},
    {S::held_to_answer, "dismiss", S::held_to_answer},
    {S::held_to_answer, "waive_time", S::held_to_answer},
    {S::held_to_answer, "withdraw_time_waiver", S::held_to_answer},
    {S::held_to_answer, "set_trial_date", S::held_to_answer},
    {S::pretrial, "start_trial", S::trial},
    {S::pretrial, "plead_guilty", S::convicted},
    {S::pretrial, "dismiss", S::dismissed},
    {S::pretrial, "dismiss", S::pretrial},
    {S::pretrial, "waive_time", S::pretrial},
    {S::pretrial, "withdraw_time_waiver", S::pretrial},
    {S::pretrial, "set_trial_date", S::pretrial},
    {S::trial, "verdict_guilty", S::convicted},
    {S::trial, "verdict_not_guilty", S::acquitted},
    {S::trial, "verdict_not_guilty", S::trial},
    {S::trial, "mistrial", S::pretrial},
    {S::trial, "plead_guilty", S::convicted},
    {S::trial, "dismiss", S::dismissed},
    {S::trial, "dismiss", S::trial},
    {S::convicted, "sentence", S::sentenced},
    {S::convicted, "dismiss", S::convicted},
    {S::dismissed, "refile", S::charged},
};

const std::set<std::string> kRegionEvents = {"book", "release", "issue_warrant", "clear_warrant"};

bool spec_allows(Stage from, const std::string& e, Stage to) {
  if (kRegionEvents.count(e)) return to == from;
  return std::any_of(std::begin(kSpec), std::end(kSpec),
                     [&](const SpecRow& r) { return r.from == from && e == r.event && r.to == to; });
}

bool closed(Stage s) { return s == S::declined || s == S::acquitted || s == S::dismissed || s == S::sentenced; }

// The model for a snapshot whose count guards pass (pending counts and a conviction exist, a
// dismissed count exists), with default event fields.
bool model_allows(const ProsecutionSnapshot& s, const std::string& e) {
  if (e == "book") return s.custody == Custody::out && !closed(s.stage);
  if (e == "release") return s.custody == Custody::in;
  if (e == "issue_warrant") return s.warrant == Warrant::none && !closed(s.stage);
  if (e == "clear_warrant") return s.warrant == Warrant::outstanding;
  if (e == "waive_time" && s.time_waived) return false;
  if (e == "withdraw_time_waiver" && !s.time_waived) return false;
  return std::any_of(std::begin(kSpec), std::end(kSpec),
                     [&](const SpecRow& r) { return r.from == s.stage && e == r.event; });
}

Stage model_target(const ProsecutionSnapshot& s, const std::string& e) {
  if (e == "arraign") return s.indicted ? S::pretrial : S::arraigned;
  // With default fields every pending count is covered: the row that leaves the stage wins.
  std::optional<Stage> to;
  for (const auto& r : kSpec) {
    if (r.from != s.stage || e != r.event) continue;
    if (!to || *to == s.stage) to = r.to;
  }
  return to.value_or(s.stage);
}

std::vector<std::string> model_allowed(const ProsecutionSnapshot& s) {
  std::vector<std::string> out;
  for (const auto& e : event_names()) {
    if (model_allows(s, e)) out.push_back(e);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One test per transition-table row.
struct RowCase {
  std::string label;
  ProsecutionSnapshot before;
  LifecycleEvent event;
  Stage to;
  std::vector<std::string> changed;
  std::function<void(const ProsecutionSnapshot&)> check = [](const ProsecutionSnapshot&) {};
};

ProsecutionSnapshot with(ProsecutionSnapshot s, const std::function<void(ProsecutionSnapshot&)>& f) {
  f(s);
  return s;
}

std::vector<RowCase> row_cases() {
  const auto all = [](Disposition d) {
    return [d](const ProsecutionSnapshot& s) {
      EXPECT_EQ(dispositions(s), (std::vector<Disposition>{d, d}));
      for (const auto& c : s.charges) EXPECT_EQ(c.disposition_date, D(2026, 3, 3));
    };
  };
  const auto first_only = [](Disposition d) {
    return [d](const ProsecutionSnapshot& s) {
      EXPECT_EQ(dispositions(s), (std::vector<Disposition>{d, Disposition::pending}));
    };
  };
  const auto waived = [](const ProsecutionSnapshot& s) { EXPECT_TRUE(s.time_waived); };
  const auto unwaived = [](const ProsecutionSnapshot& s) { EXPECT_FALSE(s.time_waived); };
  const auto dated = [](const ProsecutionSnapshot& s) { EXPECT_EQ(s.trial_date, D(2026, 6, 1)); };
  const auto is_waived = [](ProsecutionSnapshot& s) { s.time_waived = true; };
  const auto indicted = [](ProsecutionSnapshot& s) { s.indicted = true; };
  const auto c1 = std::vector<std::string>{"c1"};
  const auto both = std::vector<std::string>{"c1", "c2"};
  const auto convicted_and_pending = std::vector<Charge>{charge("c1", Disposition::convicted), charge("c2")};
  const auto dismissed_both =
      std::vector<Charge>{charge("c1", Disposition::dismissed), charge("c2", Disposition::dismissed)};

  std::vector<RowCase> cases = {
      {"Referred_decline_Declined", at(S::referred), event("decline"), S::declined, {}},
      {"Referred_fileComplaint_Charged", with(at(S::referred), indicted), event("file_complaint"), S::charged, {},
       [](const ProsecutionSnapshot& s) { EXPECT_FALSE(s.indicted); }},
      {"Referred_indict_Charged", at(S::referred), event("indict"), S::charged, {},
       [](const ProsecutionSnapshot& s) { EXPECT_TRUE(s.indicted); }},
      {"Declined_reopen_Referred", at(S::declined), event("reopen"), S::referred, {}},
      {"Charged_arraignOnComplaint_Arraigned", at(S::charged), event("arraign"), S::arraigned, {}},
      {"Charged_arraignOnIndictment_Pretrial", with(at(S::charged), indicted), event("arraign"), S::pretrial, {}},
      {"Charged_dismiss_Dismissed", at(S::charged), event("dismiss"), S::dismissed, both, all(Disposition::dismissed)},
      {"Charged_dismissOneCount_Charged", at(S::charged), event("dismiss", c1), S::charged, c1,
       first_only(Disposition::dismissed)},
      {"Arraigned_holdToAnswer_HeldToAnswer", at(S::arraigned), event("hold_to_answer"), S::held_to_answer, {}},
      {"Arraigned_discharge_Dismissed", at(S::arraigned), event("discharge"), S::dismissed, both,
       all(Disposition::dismissed)},
      {"Arraigned_pleadGuilty_Convicted", at(S::arraigned), event("plead_guilty"), S::convicted, both,
       all(Disposition::convicted)},
      {"Arraigned_dismiss_Dismissed", at(S::arraigned), event("dismiss"), S::dismissed, both,
       all(Disposition::dismissed)},
      {"Arraigned_dismissOneCount_Arraigned", at(S::arraigned), event("dismiss", c1), S::arraigned, c1,
       first_only(Disposition::dismissed)},
      {"Arraigned_waiveTime_Arraigned", at(S::arraigned), event("waive_time"), S::arraigned, {}, waived},
      {"Arraigned_withdrawTimeWaiver_Arraigned", with(at(S::arraigned), is_waived), event("withdraw_time_waiver"),
       S::arraigned, {}, unwaived},
      {"Arraigned_setTrialDate_Arraigned", at(S::arraigned), event("set_trial_date"), S::arraigned, {}, dated},
      {"HeldToAnswer_arraignOnInformation_Pretrial", at(S::held_to_answer), event("arraign_on_information"),
       S::pretrial, {}},
      {"HeldToAnswer_pleadGuilty_Convicted", at(S::held_to_answer), event("plead_guilty"), S::convicted, both,
       all(Disposition::convicted)},
      {"HeldToAnswer_dismiss_Dismissed", at(S::held_to_answer), event("dismiss"), S::dismissed, both,
       all(Disposition::dismissed)},
      {"HeldToAnswer_dismissOneCount_HeldToAnswer", at(S::held_to_answer), event("dismiss", c1), S::held_to_answer,
       c1, first_only(Disposition::dismissed)},
      {"HeldToAnswer_waiveTime_HeldToAnswer", at(S::held_to_answer), event("waive_time"), S::held_to_answer, {},
       waived},
      {"HeldToAnswer_withdrawTimeWaiver_HeldToAnswer", with(at(S::held_to_answer), is_waived),
       event("withdraw_time_waiver"), S::held_to_answer, {}, unwaived},
      {"HeldToAnswer_setTrialDate_HeldToAnswer", at(S::held_to_answer), event("set_trial_date"), S::held_to_answer,
       {}, dated},
      {"Pretrial_startTrial_Trial", at(S::pretrial), event("start_trial"), S::trial, {}},
      {"Pretrial_pleadGuilty_Convicted", at(S::pretrial), event("plead_guilty"), S::convicted, both,
       all(Disposition::convicted)},
      {"Pretrial_dismiss_Dismissed", at(S::pretrial), event("dismiss"), S::dismissed, both,
       all(Disposition::dismissed)},
      {"Pretrial_dismissOneCount_Pretrial", at(S::pretrial), event("dismiss", c1), S::pretrial, c1,
       first_only(Disposition::dismissed)},
      {"Pretrial_waiveTime_Pretrial", at(S::pretrial), event("waive_time"), S::pretrial, {}, waived},
      {"Pretrial_withdrawTimeWaiver_Pretrial", with(at(S::pretrial), is_waived), event("withdraw_time_waiver"),
       S::pretrial, {}, unwaived},
      {"Pretrial_setTrialDate_Pretrial", at(S::pretrial), event("set_trial_date"), S::pretrial, {}, dated},
      {"Trial_verdictGuilty_Convicted", at(S::trial), event("verdict_guilty"), S::convicted, both,
       all(Disposition::convicted)},
      {"Trial_verdictNotGuilty_Acquitted", at(S::trial), event("verdict_not_guilty"), S::acquitted, both,
       all(Disposition::acquitted)},
      {"Trial_verdictNotGuiltyOneCount_Trial", at(S::trial), event("verdict_not_guilty", c1), S::trial, c1,
       first_only(Disposition::acquitted)},
      {"Trial_mistrial_Pretrial",
       with(at(S::trial), [](ProsecutionSnapshot& s) { s.trial_date = D(2026, 5, 4); }), event("mistrial"),
       S::pretrial, {},
       [](const ProsecutionSnapshot& s) {
         EXPECT_EQ(s.trial_date, std::nullopt);
         EXPECT_EQ(dispositions(s), (std::vector<Disposition>{Disposition::pending, Disposition::pending}));
       }},
      {"Trial_pleadGuilty_Convicted", at(S::trial), event("plead_guilty"), S::convicted, both,
       all(Disposition::convicted)},
      {"Trial_dismiss_Dismissed", at(S::trial), event("dismiss"), S::dismissed, both, all(Disposition::dismissed)},
      {"Trial_dismissOneCount_Trial", at(S::trial), event("dismiss", c1), S::trial, c1,
       first_only(Disposition::dismissed)},
      {"Convicted_sentence_Sentenced", at(S::convicted, convicted_and_pending), event("sentence"), S::sentenced, {}},
      {"Convicted_dismissRemainingCounts_Convicted", at(S::convicted, convicted_and_pending), event("dismiss"),
       S::convicted, {"c2"},
       [](const ProsecutionSnapshot& s) {
         EXPECT_EQ(dispositions(s), (std::vector<Disposition>{Disposition::convicted, Disposition::dismissed}));
       }},
      {"Dismissed_refile_Charged",
       with(at(S::dismissed, dismissed_both),
            [](ProsecutionSnapshot& s) {
              s.indicted = true;
              s.time_waived = true;
              s.trial_date = D(2026, 5, 4);
            }),
       event("refile"), S::charged, both,
       [](const ProsecutionSnapshot& s) {
         EXPECT_EQ(dispositions(s), (std::vector<Disposition>{Disposition::pending, Disposition::pending}));
         for (const auto& c : s.charges) EXPECT_EQ(c.disposition_date, std::nullopt);
         EXPECT_FALSE(s.indicted);
         EXPECT_FALSE(s.time_waived);
         EXPECT_EQ(s.trial_date, std::nullopt);
       }},
      {"OutOfCustody_book_InCustody", at(S::pretrial), event("book"), S::pretrial, {},
       [](const ProsecutionSnapshot& s) { EXPECT_EQ(s.custody, Custody::in); }},
      {"InCustody_release_OutOfCustody",
       with(at(S::pretrial), [](ProsecutionSnapshot& s) { s.custody = Custody::in; }), event("release"), S::pretrial,
       {}, [](const ProsecutionSnapshot& s) { EXPECT_EQ(s.custody, Custody::out); }},
      {"NoWarrant_issueWarrant_WarrantOutstanding", at(S::arraigned), event("issue_warrant"), S::arraigned, {},
       [](const ProsecutionSnapshot& s) { EXPECT_EQ(s.warrant, Warrant::outstanding); }},
      {"WarrantOutstanding_clearWarrant_NoWarrant",
       with(at(S::arraigned), [](ProsecutionSnapshot& s) { s.warrant = Warrant::outstanding; }),
       [] {
         auto e = event("clear_warrant");
         e.next_appearance = D(2026, 3, 9);
         return e;
       }(),
       S::arraigned, {},
       [](const ProsecutionSnapshot& s) {
         EXPECT_EQ(s.warrant, Warrant::none);
         EXPECT_EQ(s.next_appearance, D(2026, 3, 9));
       }},
  };
  return cases;
}

class TransitionRow : public ::testing::TestWithParam<RowCase> {};

TEST_P(TransitionRow, MovesAsTheTableSays) {
  const RowCase& c = GetParam();
  auto t = apply(c.before, c.event);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->event, c.event.name);
  EXPECT_EQ(t->from, c.before.stage);
  EXPECT_EQ(t->to, c.to);
  EXPECT_EQ(t->snapshot.stage, c.to);
  EXPECT_EQ(t->changed_charges, c.changed);
  c.check(t->snapshot);
}

INSTANTIATE_TEST_SUITE_P(Lifecycle, TransitionRow, ::testing::ValuesIn(row_cases()),
                         [](const ::testing::TestParamInfo<RowCase>& info) { return info.param.label; });

// Every stage row of the specification has its test above (custody and warrant rows: 4 more).
TEST(TransitionTable, EverySpecRowHasACase) {
  const auto cases = row_cases();
  for (const auto& r : kSpec) {
    const bool covered = std::any_of(cases.begin(), cases.end(), [&](const RowCase& c) {
      return c.before.stage == r.from && c.event.name == r.event && c.to == r.to;
    });
    EXPECT_TRUE(covered) << to_string(r.from) << " " << r.event << " -> " << to_string(r.to);
  }
  EXPECT_EQ(cases.size(), std::size(kSpec) + kRegionEvents.size());
}

// ---------------------------------------------------------------------------------------------
// Every (state, event) pair: accepted exactly when the specification has a row for it, to the
// row's target; refused otherwise with conflict and the allowed events.
std::vector<Charge> counts_for_every_guard() {
  return {charge("p1"), charge("p2"), charge("v", Disposition::convicted), charge("d", Disposition::dismissed)};
}

TEST(Sweep, EveryStateEventPairNotInTheTableIsRefused) {
  int accepted = 0;
  int refused = 0;
  for (Stage stage : kAllStages) {
    for (Custody custody : {Custody::out, Custody::in}) {
      for (Warrant warrant : {Warrant::none, Warrant::outstanding}) {
        for (bool waived : {false, true}) {
          for (bool indicted : {false, true}) {
            ProsecutionSnapshot s = at(stage, counts_for_every_guard());
            s.custody = custody;
            s.warrant = warrant;
            s.time_waived = waived;
            s.indicted = indicted;
            const auto expected = model_allowed(s);
            SCOPED_TRACE(std::string(to_string(stage)) + " custody=" + to_string(custody) +
                         " warrant=" + to_string(warrant) + " waived=" + std::to_string(waived) +
                         " indicted=" + std::to_string(indicted));
            ASSERT_EQ(allowed_events(s), expected);
            for (const auto& name : event_names()) {
              SCOPED_TRACE(name);
              auto t = apply(s, event(name));
              if (model_allows(s, name)) {
                ++accepted;
                ASSERT_TRUE(t) << t.error().message;
                EXPECT_EQ(t->to, model_target(s, name));
                EXPECT_TRUE(spec_allows(stage, name, t->to));
                const Custody custody_after =
                    name == "book" ? Custody::in : name == "release" ? Custody::out : custody;
                const Warrant warrant_after = name == "issue_warrant"   ? Warrant::outstanding
                                              : name == "clear_warrant" ? Warrant::none
                                                                        : warrant;
                EXPECT_EQ(t->snapshot.custody, custody_after);
                EXPECT_EQ(t->snapshot.warrant, warrant_after);
              } else {
                ++refused;
                ASSERT_FALSE(t);
                EXPECT_EQ(t.error().code, ErrorCode::conflict);
                EXPECT_EQ(t.error().allowed_events, expected);
                EXPECT_FALSE(t.error().message.empty());
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(accepted + refused, 11 * 2 * 2 * 2 * 2 * 23);
  EXPECT_GT(accepted, 0);
}

TEST(Events, NamesAreTheApiContract) {
  EXPECT_EQ(event_names(),
            (std::vector<std::string>{"file_complaint", "indict", "decline", "reopen", "arraign", "hold_to_answer",
                                      "discharge", "arraign_on_information", "start_trial", "verdict_guilty",
                                      "verdict_not_guilty", "mistrial", "plead_guilty", "dismiss", "refile",
                                      "sentence", "book", "release", "issue_warrant", "clear_warrant", "waive_time",
                                      "withdraw_time_waiver", "set_trial_date"}));
}

TEST(Events, ANewProsecutionMayBeChargedOrDeclinedOrBookedOrWanted) {
  EXPECT_EQ(allowed_events(ProsecutionSnapshot{}),
            (std::vector<std::string>{"file_complaint", "indict", "decline", "book", "issue_warrant"}));
}

// ---------------------------------------------------------------------------------------------
// Guards.
TEST(Guards, NoArraignmentWithoutAFiledCharge) {
  for (const auto& charges : {std::vector<Charge>{}, std::vector<Charge>{charge("c1", Disposition::dismissed)}}) {
    auto s = at(S::charged, charges);
    auto t = apply(s, event("arraign"));
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, ErrorCode::conflict);
    EXPECT_EQ(t.error().allowed_events, (std::vector<std::string>{"dismiss", "book", "issue_warrant"}));
  }
}

TEST(Guards, TheLaterStagesNeedAPendingCountToo) {
  const std::vector<Charge> none_pending = {charge("c1", Disposition::dismissed)};
  for (auto [stage, name] : {std::pair{S::arraigned, "hold_to_answer"}, std::pair{S::held_to_answer, "arraign_on_information"},
                             std::pair{S::pretrial, "start_trial"}, std::pair{S::trial, "verdict_guilty"},
                             std::pair{S::trial, "verdict_not_guilty"}, std::pair{S::pretrial, "plead_guilty"}}) {
    auto t = apply(at(stage, none_pending), event(name));
    ASSERT_FALSE(t) << name;
    EXPECT_EQ(t.error().code, ErrorCode::conflict) << name;
    EXPECT_FALSE(contains(t.error().allowed_events, name));
  }
}

TEST(Guards, NoSentenceWithoutAConviction) {
  auto s = at(S::convicted, {charge("c1", Disposition::acquitted), charge("c2", Disposition::dismissed)});
  auto t = apply(s, event("sentence"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::conflict);
  EXPECT_EQ(t.error().allowed_events, (std::vector<std::string>{"book", "issue_warrant"}));

  s.charges[0].disposition = Disposition::convicted_lesser;
  EXPECT_TRUE(apply(s, event("sentence")));
}

TEST(Guards, SentenceRecordsPerCountSentencesOfConvictedCountsOnly) {
  auto s = at(S::convicted, {charge("c1", Disposition::convicted), charge("c2", Disposition::acquitted)});
  auto e = event("sentence");
  e.sentences = {{"c1", R"({"prison_years":8})"}};
  auto t = apply(s, e);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->snapshot.charges[0].sentence, R"({"prison_years":8})");
  EXPECT_EQ(t->snapshot.charges[1].sentence, std::nullopt);

  e.sentences = {{"c2", "{}"}};
  auto bad = apply(s, e);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::domain_rule);
  EXPECT_NE(bad.error().message.find("c2"), std::string::npos);

  e.sentences = {{"c9", "{}"}};
  auto unknown = apply(s, e);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(unknown.error().fields.at(0).field, "sentence");
}

TEST(Guards, APleaCoversOnlyTheListedCounts) {
  auto s = at(S::pretrial, {charge("c1"), charge("c2"), charge("c3")});
  auto t = apply(s, event("plead_guilty", {"c2"}));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->to, S::convicted);
  EXPECT_EQ(t->changed_charges, std::vector<std::string>{"c2"});
  EXPECT_EQ(dispositions(t->snapshot),
            (std::vector<Disposition>{Disposition::pending, Disposition::convicted, Disposition::pending}));
  EXPECT_EQ(t->snapshot.charges[1].disposition_date, D(2026, 3, 3));
  EXPECT_EQ(t->snapshot.charges[0].disposition_date, std::nullopt);
}

TEST(Guards, APleaToALesserOffense) {
  auto e = event("plead_guilty", {"c1"});
  e.lesser_offense = true;
  auto t = apply(at(S::held_to_answer), e);
  ASSERT_TRUE(t);
  EXPECT_EQ(dispositions(t->snapshot), (std::vector<Disposition>{Disposition::convicted_lesser, Disposition::pending}));
}

TEST(Guards, AMixedVerdictIsRecordedAcquittalsFirst) {
  auto s = at(S::trial, {charge("c1"), charge("c2"), charge("c3")});
  auto acquit = apply(s, event("verdict_not_guilty", {"c3"}));
  ASSERT_TRUE(acquit);
  EXPECT_EQ(acquit->to, S::trial);
  auto convict = apply(acquit->snapshot, event("verdict_guilty"));
  ASSERT_TRUE(convict);
  EXPECT_EQ(convict->to, S::convicted);
  EXPECT_EQ(convict->changed_charges, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(dispositions(convict->snapshot),
            (std::vector<Disposition>{Disposition::convicted, Disposition::convicted, Disposition::acquitted}));
}

TEST(Guards, AVerdictOnTheLastPendingCountsAcquits) {
  auto s = at(S::trial, {charge("c1", Disposition::dismissed), charge("c2")});
  auto t = apply(s, event("verdict_not_guilty", {"c2"}));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, S::acquitted);
  EXPECT_EQ(dispositions(t->snapshot), (std::vector<Disposition>{Disposition::dismissed, Disposition::acquitted}));
}

TEST(Guards, AListedCountThatIsNotPendingBreaksADomainRule) {
  auto s = at(S::trial, {charge("c1", Disposition::dismissed), charge("c2")});
  for (const char* name : {"verdict_guilty", "verdict_not_guilty", "plead_guilty", "dismiss"}) {
    auto t = apply(s, event(name, {"c1"}));
    ASSERT_FALSE(t) << name;
    EXPECT_EQ(t.error().code, ErrorCode::domain_rule) << name;
    EXPECT_NE(t.error().message.find("c1"), std::string::npos) << t.error().message;
  }
}

TEST(Guards, AnUnknownChargeIdIsInvalidInput) {
  auto t = apply(at(S::trial), event("verdict_guilty", {"c1", "nope"}));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(t.error().fields.size(), 1u);
  EXPECT_EQ(t.error().fields[0].field, "charges");
  EXPECT_NE(t.error().fields[0].message.find("nope"), std::string::npos);
}

TEST(Guards, InputIsCheckedBeforeTheState) {
  // An unknown id in an event the stage refuses is still a 400, not a 409.
  auto t = apply(at(S::referred), event("dismiss", {"nope"}));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::invalid_argument);
}

TEST(Guards, AChargeListedTwiceIsCoveredOnce) {
  auto t = apply(at(S::pretrial), event("dismiss", {"c1", "c1"}));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, S::pretrial);
  EXPECT_EQ(t->changed_charges, std::vector<std::string>{"c1"});
}

TEST(Guards, DismissingAProsecutionWithoutCounts) {
  auto t = apply(at(S::charged, {}), event("dismiss"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->to, S::dismissed);
  EXPECT_TRUE(t->changed_charges.empty());
}

TEST(Guards, RefileOnlyAfterADismissal) {
  auto t = apply(at(S::charged), event("refile"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::conflict);

  auto s = at(S::dismissed, {charge("c1", Disposition::dismissed), charge("c2", Disposition::dismissed)});
  auto one = apply(s, event("refile", {"c2"}));
  ASSERT_TRUE(one);
  EXPECT_EQ(dispositions(one->snapshot), (std::vector<Disposition>{Disposition::dismissed, Disposition::pending}));

  s.charges[0].disposition = Disposition::acquitted;
  auto bad = apply(s, event("refile", {"c1"}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::domain_rule);
}

TEST(Guards, TimeWaiverIsOneAtATime) {
  auto s = at(S::pretrial);
  s.time_waived = true;
  auto again = apply(s, event("waive_time"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_TRUE(contains(again.error().allowed_events, "withdraw_time_waiver"));
  EXPECT_FALSE(contains(again.error().allowed_events, "waive_time"));
}

TEST(Guards, TimeEventsOnlyBetweenArraignmentAndTrial) {
  for (Stage s : {S::referred, S::charged, S::trial, S::convicted, S::dismissed}) {
    for (const char* name : {"waive_time", "set_trial_date"}) {
      auto t = apply(at(s), event(name));
      ASSERT_FALSE(t) << to_string(s) << " " << name;
      EXPECT_EQ(t.error().code, ErrorCode::conflict);
    }
  }
}

TEST(Guards, NoBookingOrWarrantOnAClosedProsecutionButAReleaseAlways) {
  for (Stage s : {S::declined, S::acquitted, S::dismissed, S::sentenced}) {
    auto p = at(s);
    EXPECT_EQ(apply(p, event("book")).error().code, ErrorCode::conflict) << to_string(s);
    EXPECT_EQ(apply(p, event("issue_warrant")).error().code, ErrorCode::conflict) << to_string(s);
    p.custody = Custody::in;
    p.warrant = Warrant::outstanding;
    EXPECT_TRUE(apply(p, event("release"))) << to_string(s);
    EXPECT_TRUE(apply(p, event("clear_warrant"))) << to_string(s);
  }
}

TEST(Guards, RegionsAreOrthogonal) {
  auto s = at(S::trial);
  s.custody = Custody::in;
  s.warrant = Warrant::outstanding;
  auto t = apply(s, event("verdict_guilty"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->snapshot.custody, Custody::in);
  EXPECT_EQ(t->snapshot.warrant, Warrant::outstanding);
  auto r = apply(t->snapshot, event("release"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->to, S::convicted);
  EXPECT_EQ(r->snapshot.warrant, Warrant::outstanding);
}

TEST(Guards, TheCourtDateStampsDispositions) {
  auto e = event("dismiss");
  e.court_date = D(2026, 3, 2);  // the court-local date of kAt
  auto t = apply(at(S::charged), e);
  ASSERT_TRUE(t);
  for (const auto& c : t->snapshot.charges) EXPECT_EQ(c.disposition_date, D(2026, 3, 2));
}

// ---------------------------------------------------------------------------------------------
// Malformed events.
TEST(Malformed, UnknownEventName) {
  auto t = apply(at(S::referred), event("arrest"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(t.error().fields.at(0).field, "event");
  EXPECT_FALSE(apply(at(S::referred), event("Decline")));
}

TEST(Malformed, FieldsAnEventDoesNotTake) {
  struct Case {
    LifecycleEvent e;
    const char* field;
  };
  auto with_charges = event("arraign", {"c1"});
  auto with_lesser = event("dismiss");
  with_lesser.lesser_offense = true;
  auto with_date = event("start_trial");
  with_date.trial_date = D(2026, 6, 1);
  auto without_date = event("set_trial_date");
  without_date.trial_date.reset();
  auto with_appearance = event("book");
  with_appearance.next_appearance = D(2026, 6, 1);
  auto with_sentence = event("verdict_guilty");
  with_sentence.sentences = {{"c1", "{}"}};
  for (const auto& c : {Case{with_charges, "charges"}, Case{with_lesser, "lesser_offense"},
                        Case{with_date, "trial_date"}, Case{without_date, "trial_date"},
                        Case{with_appearance, "next_appearance"}, Case{with_sentence, "sentence"}}) {
    auto t = apply(at(S::pretrial), c.e);
    ASSERT_FALSE(t) << c.e.name;
    EXPECT_EQ(t.error().code, ErrorCode::invalid_argument) << c.e.name;
    EXPECT_EQ(t.error().fields.at(0).field, c.field) << c.e.name;
  }
}

TEST(Malformed, ASnapshotOutsideTheEnumsIsAnInternalError) {
  auto s = at(S::charged);
  s.stage = static_cast<Stage>(99);
  auto t = apply(s, event("dismiss"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::internal);
}

// ---------------------------------------------------------------------------------------------
// Replay and the property test.
TEST(Replay, AWholeCaseFromReferralToSentence) {
  auto set_date = event("set_trial_date");
  auto result = replay(at(S::referred), {event("book"), event("file_complaint"), event("arraign"), event("waive_time"),
                                         event("hold_to_answer"), event("arraign_on_information"), set_date,
                                         event("withdraw_time_waiver"), event("start_trial"),
                                         event("verdict_guilty"), event("sentence")});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->stage, S::sentenced);
  EXPECT_EQ(result->custody, Custody::in);
  EXPECT_FALSE(result->time_waived);
  EXPECT_EQ(result->trial_date, D(2026, 6, 1));
  EXPECT_EQ(dispositions(*result), (std::vector<Disposition>{Disposition::convicted, Disposition::convicted}));
}

TEST(Replay, StopsAtTheFirstRefusalAndSaysWhere) {
  auto result = replay(at(S::referred), {event("file_complaint"), event("sentence")});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::conflict);
  EXPECT_EQ(result.error().message.rfind("event 1 (sentence): ", 0), 0u) << result.error().message;
  EXPECT_EQ(result.error().allowed_events, (std::vector<std::string>{"arraign", "dismiss", "book", "issue_warrant"}));
}

LifecycleEvent random_event(std::mt19937& rng, const ProsecutionSnapshot& s) {
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto coin = [&] { return pick(2) == 0; };
  std::string name;
  const auto allowed = allowed_events(s);
  if (pick(4) != 0 && !allowed.empty()) {  // mostly allowed events, to walk deep into the table
    name = allowed[pick(allowed.size())];
  } else {
    name = event_names()[pick(event_names().size())];
  }
  LifecycleEvent e = event(name);
  e.occurred_at = kAt + std::chrono::hours{static_cast<int>(pick(1000))};
  const std::set<std::string> takes_charges = {"plead_guilty", "verdict_guilty", "verdict_not_guilty", "dismiss",
                                               "refile"};
  if (takes_charges.count(name) && coin()) {
    for (const auto& c : s.charges) {
      if (coin()) e.charge_ids.push_back(c.id);
    }
  }
  if ((name == "plead_guilty" || name == "verdict_guilty") && coin()) e.lesser_offense = true;
  if (name == "set_trial_date") e.trial_date = D(2026, 6, 1) + std::chrono::days{static_cast<int>(pick(90))};
  if (name == "clear_warrant" && coin()) e.next_appearance = D(2026, 4, 1) + std::chrono::days{static_cast<int>(pick(30))};
  if (name == "sentence" && coin()) {
    for (const auto& c : s.charges) {
      if (coin()) e.sentences[c.id] = "{}";
    }
  }
  return e;
}

TEST(Property, RandomSequencesAgreeWithReplayAndStayInTheTable) {
  std::mt19937 rng(20260302);  // fixed seed: a failure reproduces
  std::set<Stage> visited;
  for (int run = 0; run < 60; ++run) {
    const ProsecutionSnapshot initial = at(S::referred, {charge("a"), charge("b"), charge("c")});
    ProsecutionSnapshot current = initial;
    std::vector<LifecycleEvent> accepted;
    for (int step = 0; step < 30; ++step) {
      const LifecycleEvent e = random_event(rng, current);
      SCOPED_TRACE("run " + std::to_string(run) + " step " + std::to_string(step) + " " + e.name + " in " +
                   to_string(current.stage));
      auto t = apply(current, e);
      if (t) {
        ASSERT_TRUE(spec_allows(current.stage, e.name, t->to)) << "not a table row: -> " << to_string(t->to);
        ASSERT_EQ(t->from, current.stage);
        std::vector<std::string> changed;
        for (std::size_t i = 0; i < current.charges.size(); ++i) {
          if (current.charges[i].disposition != t->snapshot.charges[i].disposition) {
            changed.push_back(current.charges[i].id);
          }
        }
        ASSERT_EQ(t->changed_charges, changed);
        current = t->snapshot;
        accepted.push_back(e);
        visited.insert(current.stage);
      } else {
        const auto allowed = allowed_events(current);
        if (t.error().code == ErrorCode::conflict) {
          ASSERT_FALSE(contains(allowed, e.name));
          ASSERT_EQ(t.error().allowed_events, allowed);
        } else {
          ASSERT_EQ(t.error().code, ErrorCode::domain_rule) << t.error().message;
          ASSERT_TRUE(contains(allowed, e.name));
        }
      }
      // allowed_events agrees with apply(): every listed event succeeds, every other fails.
      const auto allowed = allowed_events(current);
      for (const auto& name : event_names()) {
        ASSERT_EQ(static_cast<bool>(apply(current, event(name))), contains(allowed, name)) << name;
      }
    }
    auto replayed = replay(initial, accepted);
    ASSERT_TRUE(replayed) << replayed.error().message;
    ASSERT_EQ(*replayed, current);
  }
  for (Stage s : kAllStages) EXPECT_TRUE(visited.count(s)) << "the random walks never reach " << to_string(s);
}

// ---------------------------------------------------------------------------------------------
// engine/prosecution.hpp: one string mapping per enum.
TEST(Strings, StagesArePascalCase) {
  const std::vector<std::string> names = {"Referred", "Declined",  "Charged",   "Arraigned", "HeldToAnswer", "Pretrial",
                                          "Trial",    "Convicted", "Acquitted", "Dismissed", "Sentenced"};
  for (std::size_t i = 0; i < kAllStages.size(); ++i) {
    EXPECT_EQ(to_string(kAllStages[i]), names[i]);
    auto back = parse_stage(names[i]);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, kAllStages[i]);
  }
  auto bad = parse_stage("referred");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().fields.at(0).field, "stage");
}

TEST(Strings, CustodyWarrantDisposition) {
  EXPECT_STREQ(to_string(Custody::in), "in");
  EXPECT_STREQ(to_string(Custody::out), "out");
  EXPECT_EQ(*parse_custody("in"), Custody::in);
  EXPECT_EQ(parse_custody("In").error().fields.at(0).field, "custody");
  EXPECT_STREQ(to_string(Warrant::none), "none");
  EXPECT_STREQ(to_string(Warrant::outstanding), "outstanding");
  EXPECT_EQ(*parse_warrant("outstanding"), Warrant::outstanding);
  EXPECT_FALSE(parse_warrant("active"));
  const std::vector<std::string> names = {"pending", "convicted", "convicted_lesser", "dismissed", "acquitted"};
  for (std::size_t i = 0; i < kAllDispositions.size(); ++i) {
    EXPECT_EQ(to_string(kAllDispositions[i]), names[i]);
    EXPECT_EQ(*parse_disposition(names[i]), kAllDispositions[i]);
  }
  EXPECT_EQ(parse_disposition("guilty").error().fields.at(0).field, "disposition");
}

TEST(Strings, ClosedStages) {
  for (Stage s : kAllStages) EXPECT_EQ(is_closed(s), closed(s)) << to_string(s);
}

}  // namespace
}  // namespace heat
