#include "engine/deadline_planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace heat {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

sys_days day(int y, unsigned m, unsigned d) { return sys_days(year(y) / month(m) / d); }

// A felony prosecution walked through its life; each step feeds the stored deadlines (the
// previous plan applied) back into the planner, as db/ does.
class Walk {
 public:
  Walk() : calendar_() {}

  DeadlinePlan step(const std::string& event, sys_days date, ProsecutionSnapshot after,
                    TimePoint at = TimePoint{}) {
    DeadlineEventContext c;
    c.event = event;
    c.court_date = date;
    c.occurred_at = at == TimePoint{} ? TimePoint(date) + 16h : at;
    c.before = snap_;
    c.after = after;
    c.facts.felony = true;
    auto plan = plan_deadlines(stored_, c, calendar_);
    EXPECT_TRUE(plan) << event << ": " << plan.error().message;
    for (const auto& d : plan->changed)
      for (auto& s : stored_)
        if (s.id == d.id) s = d;
    for (auto d : plan->created) {
      d.id = "d" + std::to_string(next_id_++);
      stored_.push_back(d);
    }
    snap_ = after;
    return *plan;
  }
  const Deadline& find(const std::string& rule, DeadlineStatus status) const {
    for (const auto& d : stored_)
      if (d.rule_id == rule && d.status == status) return d;
    ADD_FAILURE() << "no " << rule << " in status " << to_string(status);
    static Deadline none;
    return none;
  }
  std::vector<Deadline>& stored() { return stored_; }
  const CourtCalendar& calendar() const { return calendar_; }
  int count(const std::string& rule) const {
    return static_cast<int>(std::count_if(stored_.begin(), stored_.end(), [&](auto& d) { return d.rule_id == rule; }));
  }
  int count_in(const std::string& rule, DeadlineStatus status) const {
    return static_cast<int>(std::count_if(stored_.begin(), stored_.end(),
                                          [&](auto& d) { return d.rule_id == rule && d.status == status; }));
  }

 private:
  CourtCalendar calendar_;
  std::vector<Deadline> stored_;
  ProsecutionSnapshot snap_;
  int next_id_ = 1;
};

TEST(DeadlinePlanner, InCustodyFelonyFromBookingToSentencing) {
  Walk w;
  ProsecutionSnapshot s;
  s.stage = Stage::charged;
  // Booked Saturday 2026-11-21 10:00 Pacific (18:00 UTC). PC 825: Saturday counts (14 h),
  // Sunday does not, Monday 24 h, Tuesday 10 h: due Tuesday 10:00 Pacific = 18:00 UTC.
  s.custody = Custody::in;
  w.step("book", day(2026, 11, 21), s, TimePoint(day(2026, 11, 21)) + 18h);
  EXPECT_EQ(w.find("pc825_arraignment", DeadlineStatus::open).due_at, TimePoint(day(2026, 11, 24)) + 18h);

  // Arraigned Monday 2026-11-23: PC 825 met in time. PC 859b: 10 court days, skipping
  // Thanksgiving and the day after (Nov 26-27) -> Dec 9. Outer limit 60 days -> Jan 22 2027.
  s.stage = Stage::arraigned;
  w.step("arraign", day(2026, 11, 23), s);
  EXPECT_EQ(w.find("pc825_arraignment", DeadlineStatus::met).met_on_time, true);
  EXPECT_EQ(w.find("pc859b_prelim", DeadlineStatus::open).due_date, day(2026, 12, 9));
  EXPECT_EQ(w.find("pc859b_prelim_outer", DeadlineStatus::open).due_date, day(2027, 1, 22));

  // Held to answer Dec 4: both PC 859b limits met. PC 739: 15 days = Sat Dec 19 -> Mon Dec 21 (CCP 12a).
  s.stage = Stage::held_to_answer;
  w.step("hold_to_answer", day(2026, 12, 4), s);
  EXPECT_EQ(w.find("pc859b_prelim", DeadlineStatus::met).met_on_time, true);
  EXPECT_EQ(w.find("pc859b_prelim_outer", DeadlineStatus::met).met_on_time, true);
  EXPECT_EQ(w.find("pc739_information", DeadlineStatus::open).due_date, day(2026, 12, 21));

  // Information filed and arraigned Dec 18: PC 739 met; PC 1382 60 days -> Tue Feb 16 2027.
  s.stage = Stage::pretrial;
  w.step("arraign_on_information", day(2026, 12, 18), s);
  EXPECT_EQ(w.find("pc739_information", DeadlineStatus::met).met_on_time, true);
  EXPECT_EQ(w.find("pc1382_felony_trial", DeadlineStatus::open).due_date, day(2027, 2, 16));

  // Trial set for Feb 10: discovery (PC 1054.7) 30 days before -> Mon Jan 11.
  s.trial_date = day(2027, 2, 10);
  w.step("set_trial_date", day(2026, 12, 21), s);
  EXPECT_EQ(w.find("pc1054_7_discovery", DeadlineStatus::open).due_date, day(2027, 1, 11));
  // Moved to Feb 24: the old computation is superseded, the new one is due Jan 25.
  s.trial_date = day(2027, 2, 24);
  w.step("set_trial_date", day(2026, 12, 22), s);
  EXPECT_EQ(w.find("pc1054_7_discovery", DeadlineStatus::superseded).due_date, day(2027, 1, 11));
  EXPECT_EQ(w.find("pc1054_7_discovery", DeadlineStatus::open).due_date, day(2027, 1, 25));

  // A warrant tolls the trial clock; it restarts from the next appearance (Jan 20):
  // 60 days = Sun Mar 21 -> Mon Mar 22.
  s.warrant = Warrant::outstanding;
  w.step("issue_warrant", day(2027, 1, 5), s);
  EXPECT_EQ(w.find("pc1382_felony_trial", DeadlineStatus::tolled).due_date, day(2027, 2, 16));
  s.warrant = Warrant::none;
  s.next_appearance = day(2027, 1, 20);
  w.step("clear_warrant", day(2027, 1, 19), s);
  EXPECT_EQ(w.find("pc1382_felony_trial", DeadlineStatus::superseded).due_date, day(2027, 2, 16));
  EXPECT_EQ(w.find("pc1382_felony_trial", DeadlineStatus::open).due_date, day(2027, 3, 22));

  // A general time waiver removes the deadline; withdrawing it on Feb 1 starts 60 days -> Fri Apr 2.
  s.time_waived = true;
  w.step("waive_time", day(2027, 1, 25), s);
  EXPECT_EQ(w.find("pc1382_felony_trial", DeadlineStatus::waived).due_date, day(2027, 3, 22));
  s.time_waived = false;
  w.step("withdraw_time_waiver", day(2027, 2, 1), s);
  EXPECT_EQ(w.find("pc1382_felony_trial", DeadlineStatus::open).due_date, day(2027, 4, 2));
  // Three computations in all: the first (tolled, then superseded), the restart after the
  // warrant (waived), the restart after the withdrawal (open).
  EXPECT_EQ(w.count("pc1382_felony_trial"), 3);

  // Plea Feb 3: the trial clocks no longer apply; PC 1191 20 court days, skipping Lincoln's
  // Birthday (Fri Feb 12) and Presidents' Day (Mon Feb 15) -> Fri Mar 5.
  s.stage = Stage::convicted;
  w.step("plead_guilty", day(2027, 2, 3), s);
  EXPECT_EQ(w.count_in("pc1382_felony_trial", DeadlineStatus::open), 0);
  EXPECT_EQ(w.count_in("pc1382_felony_trial", DeadlineStatus::superseded), 2);
  EXPECT_EQ(w.find("pc1191_sentencing_plea", DeadlineStatus::open).due_date, day(2027, 3, 5));

  // Sentenced Mar 8, after the deadline: met, but not on time.
  s.stage = Stage::sentenced;
  w.step("sentence", day(2027, 3, 8), s);
  EXPECT_EQ(w.find("pc1191_sentencing_plea", DeadlineStatus::met).met_on_time, false);
}

// Applies a correction's changes to the stored deadlines, as db/ does.
std::vector<Deadline> correct(Walk& w, const std::string& event, TimePoint from, TimePoint to, sys_days today,
                              bool counts_from_field = false) {
  TriggerCorrection c;
  c.event = event;
  c.previous_at = from;
  c.corrected_at = to;
  c.previous_date = CourtCalendar::local_date(from).value();
  c.corrected_date = CourtCalendar::local_date(to).value();
  c.counts_from_field = counts_from_field;
  c.today = today;
  c.reason = "date entered wrong";
  auto changed = replan_corrected_trigger(w.stored(), c, w.calendar());
  EXPECT_TRUE(changed) << changed.error().message;
  for (const auto& d : *changed)
    for (auto& s : w.stored())
      if (s.id == d.id) s = d;
  return *changed;
}

TEST(DeadlinePlanner, CorrectedArraignmentRecountsWhatItStartedAndRejudgesWhatWasMet) {
  Walk w;
  ProsecutionSnapshot s;
  s.stage = Stage::arraigned;
  s.custody = Custody::in;
  w.step("arraign", day(2026, 11, 23), s);
  s.stage = Stage::held_to_answer;
  // Held Dec 10: one court day after PC 859b's Dec 9, so met late.
  w.step("hold_to_answer", day(2026, 12, 10), s);
  EXPECT_EQ(w.find("pc859b_prelim", DeadlineStatus::met).met_on_time, false);
  // The arraignment was really on Wed Nov 25: 10 court days skip Thanksgiving and the day
  // after -> Dec 11, and the holding order on Dec 10 was on time after all. The outer limit:
  // 60 days = Sun Jan 24 2027 -> Mon Jan 25 (CCP 12a).
  auto changed = correct(w, "arraign", TimePoint(day(2026, 11, 23)) + 16h, TimePoint(day(2026, 11, 25)) + 17h,
                         day(2026, 12, 14));
  EXPECT_EQ(changed.size(), 2U);
  const auto& prelim = w.find("pc859b_prelim", DeadlineStatus::met);
  EXPECT_EQ(prelim.trigger_date, day(2026, 11, 25));
  EXPECT_EQ(prelim.due_date, day(2026, 12, 11));
  EXPECT_EQ(prelim.met_on_time, true);
  EXPECT_NE(prelim.note.find("arraign corrected from 2026-11-23 to 2026-11-25: date entered wrong"), std::string::npos)
      << prelim.note;
  EXPECT_EQ(w.find("pc859b_prelim_outer", DeadlineStatus::met).due_date, day(2027, 1, 25));
  // Nothing that hangs on another event moved: PC 739 still counts from the holding order.
  // 15 days from Dec 10 = Christmas -> Sat, Sun -> Mon Dec 28.
  EXPECT_EQ(w.find("pc739_information", DeadlineStatus::open).due_date, day(2026, 12, 28));

  // The holding order was really Dec 8: PC 739 = Wed Dec 23; PC 859b is met on Dec 8, on time.
  changed = correct(w, "hold_to_answer", TimePoint(day(2026, 12, 10)) + 17h, TimePoint(day(2026, 12, 8)) + 17h,
                    day(2026, 12, 14));
  EXPECT_EQ(w.find("pc739_information", DeadlineStatus::open).due_date, day(2026, 12, 23));
  EXPECT_EQ(w.find("pc859b_prelim", DeadlineStatus::met).resolved_on, day(2026, 12, 8));
  EXPECT_EQ(w.find("pc859b_prelim_outer", DeadlineStatus::met).resolved_on, day(2026, 12, 8));
  EXPECT_EQ(changed.size(), 3U);
}

TEST(DeadlinePlanner, CorrectedBookingRecountsPc825Hours) {
  Walk w;
  ProsecutionSnapshot s;
  s.stage = Stage::charged;
  s.custody = Custody::in;
  // Booked Sat Nov 21 10:00 Pacific -> due Tue Nov 24 10:00 Pacific (18:00 UTC).
  w.step("book", day(2026, 11, 21), s, TimePoint(day(2026, 11, 21)) + 18h);
  // Really booked Fri Nov 20 10:00: Friday 14 h, Saturday 24 h, Sunday excluded, Monday 10 h.
  correct(w, "book", TimePoint(day(2026, 11, 21)) + 18h, TimePoint(day(2026, 11, 20)) + 18h, day(2026, 11, 20));
  const auto& d = w.find("pc825_arraignment", DeadlineStatus::open);
  EXPECT_EQ(d.trigger_at, TimePoint(day(2026, 11, 20)) + 18h);
  EXPECT_EQ(d.due_at, TimePoint(day(2026, 11, 23)) + 18h);
  EXPECT_EQ(d.due_date, day(2026, 11, 23));
}

TEST(DeadlinePlanner, CorrectionReopensAMissedDeadlineThatIsNoLongerPast) {
  Walk w;
  ProsecutionSnapshot s;
  s.stage = Stage::held_to_answer;
  w.step("hold_to_answer", day(2026, 12, 1), s);
  for (auto& d : w.stored())
    if (d.rule_id == "pc739_information") {
      d.status = DeadlineStatus::missed;
      d.resolved_on = day(2026, 12, 17);
    }
  // Really held Dec 8: due Dec 23, and today is Dec 17 -> open again.
  correct(w, "hold_to_answer", TimePoint(day(2026, 12, 1)) + 17h, TimePoint(day(2026, 12, 8)) + 17h,
          day(2026, 12, 17));
  const auto& d = w.find("pc739_information", DeadlineStatus::open);
  EXPECT_EQ(d.due_date, day(2026, 12, 23));
  EXPECT_FALSE(d.resolved_on.has_value());
}

TEST(DeadlinePlanner, CorrectionLeavesFieldCountedAndSupersededDeadlinesAlone) {
  Walk w;
  ProsecutionSnapshot s;
  s.stage = Stage::pretrial;
  s.trial_date = day(2027, 2, 10);
  w.step("set_trial_date", day(2026, 12, 21), s);
  s.trial_date = day(2027, 2, 24);
  w.step("set_trial_date", day(2026, 12, 22), s);
  // set_trial_date counts from the trial date, not from when it was entered.
  auto changed = correct(w, "set_trial_date", TimePoint(day(2026, 12, 22)) + 17h,
                         TimePoint(day(2026, 12, 23)) + 17h, day(2026, 12, 23), true);
  EXPECT_TRUE(changed.empty());
  EXPECT_EQ(w.find("pc1054_7_discovery", DeadlineStatus::open).due_date, day(2027, 1, 25));
}

TEST(DeadlinePlanner, OutOfCustodyArraignmentHasOnlyTheOuterLimit) {
  Walk w;
  ProsecutionSnapshot s;
  s.stage = Stage::arraigned;
  auto plan = w.step("arraign", day(2026, 3, 2), s);
  ASSERT_EQ(plan.created.size(), 1u);
  EXPECT_EQ(plan.created[0].rule_id, "pc859b_prelim_outer");
  // Mar 2 + 60 = May 1 2026, a Friday.
  EXPECT_EQ(plan.created[0].due_date, day(2026, 5, 1));
}

TEST(DeadlinePlanner, DismissalSupersedesWhatIsOpen) {
  Walk w;
  ProsecutionSnapshot s;
  s.stage = Stage::arraigned;
  s.custody = Custody::in;
  w.step("arraign", day(2026, 3, 2), s);
  s.stage = Stage::dismissed;
  auto plan = w.step("dismiss", day(2026, 3, 4), s);
  EXPECT_EQ(plan.changed.size(), 2u);
  for (const auto& d : plan.changed) EXPECT_EQ(d.status, DeadlineStatus::superseded);
  EXPECT_TRUE(plan.created.empty());
}

TEST(DeadlinePlanner, PastDue) {
  Deadline d;
  d.due_date = day(2026, 12, 9);
  EXPECT_FALSE(is_past_due(d, TimePoint(day(2026, 12, 9)) + 23h, day(2026, 12, 9)));
  EXPECT_TRUE(is_past_due(d, TimePoint(day(2026, 12, 10)), day(2026, 12, 10)));
  d.status = DeadlineStatus::met;
  EXPECT_FALSE(is_past_due(d, TimePoint(day(2027, 1, 1)), day(2027, 1, 1)));
  EXPECT_EQ(parse_deadline_status("tolled").value(), DeadlineStatus::tolled);
  EXPECT_FALSE(parse_deadline_status("late"));
}

}  // namespace
}  // namespace heat
