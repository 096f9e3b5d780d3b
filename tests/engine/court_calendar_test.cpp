#include "engine/court_calendar.hpp"

#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

// Dates below were worked by hand from printed calendars (2026-01-01 is a Thursday,
// 2027-01-01 a Friday); each row says how.
namespace heat {
namespace {

using std::chrono::sys_days;

constexpr sys_days D(int y, unsigned m, unsigned d) {
  return sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// A UTC instant.
TimePoint utc(int y, unsigned m, unsigned d, int h, int min = 0) {
  return TimePoint{D(y, m, d).time_since_epoch() + std::chrono::hours{h} + std::chrono::minutes{min}};
}

std::vector<sys_days> dates_of(const std::vector<Holiday>& hs) {
  std::vector<sys_days> out;
  for (const auto& h : hs) out.push_back(h.date);
  return out;
}

// ---------------------------------------------------------------------------------------
// Holidays

TEST(CourtHolidays, Year2026MatchesThePublishedList) {
  // LEGAL.md: Jan 1, Jan 19, Feb 12, Feb 16, Mar 31, May 25, Jun 19, Jul 3, Sep 7, Sep 25,
  // Nov 11, Nov 26, Nov 27, Dec 25 (Jul 4 is a Saturday: observed Friday Jul 3).
  const std::vector<sys_days> expected = {D(2026, 1, 1),  D(2026, 1, 19), D(2026, 2, 12),  D(2026, 2, 16),
                                          D(2026, 3, 31), D(2026, 5, 25), D(2026, 6, 19),  D(2026, 7, 3),
                                          D(2026, 9, 7),  D(2026, 9, 25), D(2026, 11, 11), D(2026, 11, 26),
                                          D(2026, 11, 27), D(2026, 12, 25)};
  EXPECT_EQ(dates_of(court_holidays(std::chrono::year{2026})), expected);
  EXPECT_EQ(dates_of(CourtCalendar{}.holidays(std::chrono::year{2026})), expected);
}

TEST(CourtHolidays, Year2027ByTheRuleSet) {
  // LEGAL.md: Jun 19 (Sat) -> Fri Jun 18; Jul 4 (Sun) -> Mon Jul 5; Dec 25 (Sat) -> Fri
  // Dec 24; Jan 1 2028 (Sat) -> Fri Dec 31 2027.
  const std::vector<sys_days> expected = {D(2027, 1, 1),   D(2027, 1, 18),  D(2027, 2, 12),  D(2027, 2, 15),
                                          D(2027, 3, 31),  D(2027, 5, 31),  D(2027, 6, 18),  D(2027, 7, 5),
                                          D(2027, 9, 6),   D(2027, 9, 24),  D(2027, 11, 11), D(2027, 11, 25),
                                          D(2027, 11, 26), D(2027, 12, 24), D(2027, 12, 31)};
  EXPECT_EQ(dates_of(court_holidays(std::chrono::year{2027})), expected);
}

TEST(CourtHolidays, NamesAndObservedDays) {
  const auto h2026 = court_holidays(std::chrono::year{2026});
  EXPECT_EQ(h2026.front(), (Holiday{D(2026, 1, 1), "New Year's Day"}));
  EXPECT_EQ(h2026[7], (Holiday{D(2026, 7, 3), "Independence Day (observed)"}));
  EXPECT_EQ(h2026[12], (Holiday{D(2026, 11, 27), "Day after Thanksgiving"}));
  const auto h2027 = court_holidays(std::chrono::year{2027});
  EXPECT_EQ(h2027.back(), (Holiday{D(2027, 12, 31), "New Year's Day (observed)"}));
}

TEST(CourtHolidays, NewYearOnASaturdayBelongsToThePreviousYear) {
  // Jan 1 2028 is a Saturday, observed Dec 31 2027: 2028's list starts with the 3rd Monday of
  // January (Jan 3, 10, 17 -> Jan 17) and has 13 days (14 rules, Jan 1 gone, and no Dec 31).
  const auto h2028 = court_holidays(std::chrono::year{2028});
  ASSERT_FALSE(h2028.empty());
  EXPECT_EQ(h2028.front().date, D(2028, 1, 17));
  EXPECT_EQ(h2028.size(), 13u);
}

struct CourtDayRow {
  sys_days day;
  bool court_day;
  const char* why;
};

TEST(CourtCalendar, IsCourtDay) {
  // clang-format off
  const CourtDayRow rows[] = {
      {D(2026, 11, 25), true,  "Wednesday before Thanksgiving"},
      {D(2026, 11, 26), false, "Thanksgiving"},
      {D(2026, 11, 27), false, "day after Thanksgiving"},
      {D(2026, 11, 30), true,  "Monday after"},
      {D(2026, 3, 31),  false, "Cesar Chavez Day, a Tuesday"},
      {D(2026, 7, 3),   false, "Independence Day observed (Jul 4 is a Saturday)"},
      {D(2026, 7, 4),   false, "a Saturday"},
      {D(2026, 3, 8),   false, "a Sunday"},
      {D(2026, 10, 12), true,  "Columbus Day is no court holiday"},
      {D(2027, 6, 17),  true,  "Thursday before Juneteenth observed"},
      {D(2027, 6, 18),  false, "Juneteenth observed (Jun 19 2027 is a Saturday)"},
      {D(2027, 12, 31), false, "New Year's Day 2028 observed"},
      {D(1899, 12, 25), false, "Christmas, a Monday, outside the precomputed years: by the rule set"},
      {D(1899, 12, 26), true,  "the Tuesday after, outside the precomputed years"},
      {D(2450, 12, 26), false, "Christmas 2450 is a Sunday: observed Monday Dec 26"},
  };
  // clang-format on
  const CourtCalendar cal;
  for (const auto& r : rows) EXPECT_EQ(cal.is_court_day(r.day), r.court_day) << r.why;
}

// ---------------------------------------------------------------------------------------
// Court days

struct AddRow {
  sys_days from;
  long n;
  sys_days expected;
  const char* why;
};

TEST(CourtCalendar, AddCourtDays) {
  // clang-format off
  const AddRow rows[] = {
      {D(2026, 11, 24),  3, D(2026, 12, 1),  "Tue: Wed 25 (1), Thanksgiving 26 and 27 closed, weekend, Mon 30 (2), Tue Dec 1 (3)"},
      {D(2026, 11, 19), 10, D(2026, 12, 7),  "Thu: Fri 20, 23-25 (4), 26-27 closed, 30, Dec 1-4 (9), Mon Dec 7 (10)"},
      {D(2026, 12, 23),  3, D(2026, 12, 29), "Wed: Thu 24 (1), Christmas Fri 25, Mon 28 (2), Tue 29 (3)"},
      {D(2026, 12, 30),  2, D(2027, 1, 4),   "Wed: Thu 31 (1), New Year Fri Jan 1, Mon Jan 4 (2)"},
      {D(2026, 3, 27),   2, D(2026, 4, 1),   "Fri: Mon 30 (1), Cesar Chavez Tue 31, Wed Apr 1 (2)"},
      {D(2027, 6, 16),   2, D(2027, 6, 21),  "Wed: Thu 17 (1), Juneteenth observed Fri 18, Mon 21 (2)"},
      {D(2026, 4, 28),   5, D(2026, 5, 5),   "month end: Apr 29, 30, Fri May 1, Mon 4, Tue 5"},
      {D(2026, 3, 7),    1, D(2026, 3, 9),   "from a Saturday: Sunday skipped, Monday"},
      {D(2027, 12, 30),  1, D(2028, 1, 3),   "Thu: Dec 31 observes Jan 1 2028; Sat Jan 1 no second holiday; Mon Jan 3"},
      {D(2026, 1, 2),   20, D(2026, 2, 2),   "Fri: Jan 5-9 (5), 12-16 (10), MLK 19, 20-23 (14), 26-30 (19), Mon Feb 2 (20)"},
      {D(2026, 11, 26),  0, D(2026, 11, 26), "zero: the day itself, even a holiday"},
      {D(2026, 12, 1),  -3, D(2026, 11, 24), "back from Tue: Mon 30 (1), 27-26 closed, Wed 25 (2), Tue 24 (3)"},
      {D(2026, 4, 1),   -1, D(2026, 3, 30),  "back over Cesar Chavez Day to Monday"},
      {D(2027, 1, 4),   -1, D(2026, 12, 31), "back from Mon over New Year (Fri) into the old year"},
      {D(2026, 11, 28), -1, D(2026, 11, 25), "back from a Saturday over both Thanksgiving days"},
      {D(2027, 6, 21),  -2, D(2027, 6, 16),  "back from Mon: Thu 17 (1), Wed 16 (2); Fri 18 closed"},
  };
  // clang-format on
  const CourtCalendar cal;
  for (const auto& r : rows) {
    auto got = cal.add_court_days(r.from, r.n);
    ASSERT_TRUE(got) << r.why;
    EXPECT_EQ(*got, r.expected) << r.why;
  }
}

struct BetweenRow {
  sys_days a, b;
  long expected;
  const char* why;
};

TEST(CourtCalendar, CourtDaysBetween) {
  // clang-format off
  const BetweenRow rows[] = {
      {D(2026, 11, 24), D(2026, 12, 1),   3,  "(Tue 24, Tue Dec 1]: Wed 25, Mon 30, Tue 1"},
      {D(2026, 12, 1),  D(2026, 11, 24), -3,  "backward, [Tue 24, Tue Dec 1): Tue 24, Wed 25, Mon 30"},
      {D(2026, 11, 30), D(2026, 11, 25), -1,  "backward, [Wed 25, Mon 30): Wed 25 only"},
      {D(2026, 11, 26), D(2026, 11, 27),  0,  "only the day after Thanksgiving"},
      {D(2026, 12, 31), D(2027, 1, 4),    1,  "New Year's Day closed, weekend, Mon Jan 4"},
      {D(2026, 5, 5),   D(2026, 5, 5),    0,  "the same day"},
      {D(2025, 12, 31), D(2026, 12, 31), 247, "2026: 52 weeks + Thu Dec 31 = 261 weekdays, less 14 weekday holidays"},
  };
  // clang-format on
  const CourtCalendar cal;
  for (const auto& r : rows) {
    auto got = cal.court_days_between(r.a, r.b);
    ASSERT_TRUE(got) << r.why;
    EXPECT_EQ(*got, r.expected) << r.why;
  }
}

// ---------------------------------------------------------------------------------------
// Calendar days (CCP 12, 12a, 12c)

TEST(CourtCalendar, AddCalendarDays) {
  // clang-format off
  const AddRow rows[] = {
      {D(2026, 1, 5),   10, D(2026, 1, 15),  "Mon + 10 = Thu Jan 15, a court day"},
      {D(2026, 3, 6),   15, D(2026, 3, 23),  "ends Sat Mar 21: CCP 12a extends to Mon 23"},
      {D(2026, 3, 7),   15, D(2026, 3, 23),  "ends Sun Mar 22: extends to Mon 23"},
      {D(2026, 6, 4),   15, D(2026, 6, 22),  "ends Fri Jun 19, Juneteenth: over the weekend to Mon 22"},
      {D(2026, 11, 12), 15, D(2026, 11, 30), "ends Fri Nov 27, day after Thanksgiving: Mon 30"},
      {D(2026, 12, 15), 10, D(2026, 12, 28), "ends Fri Dec 25: Mon Dec 28"},
      {D(2027, 12, 21), 10, D(2028, 1, 3),   "ends Fri Dec 31 (New Year observed), Sat Jan 1, Sun: Mon Jan 3 2028"},
      {D(2026, 1, 31),  30, D(2026, 3, 2),   "month end: Jan 31 + 28 = Feb 28, + 2 = Mon Mar 2"},
      {D(2026, 6, 1),  -30, D(2026, 5, 1),   "CCP 12c: 30 before Mon Jun 1 is Sat May 2: earlier, Fri May 1"},
      {D(2026, 12, 1),  -5, D(2026, 11, 25), "5 before Tue Dec 1 is Thanksgiving: earlier, Wed Nov 25"},
      {D(2026, 6, 1),   -7, D(2026, 5, 22),  "7 before Mon Jun 1 is Memorial Day: over the weekend to Fri May 22"},
      {D(2026, 6, 10),   0, D(2026, 6, 10),  "zero: the day itself"},
  };
  // clang-format on
  const CourtCalendar cal;
  for (const auto& r : rows) {
    auto got = cal.add_calendar_days(r.from, r.n);
    ASSERT_TRUE(got) << r.why;
    EXPECT_EQ(*got, r.expected) << r.why;
  }
}

TEST(CourtCalendar, CourtDayOnOrAfterAndBefore) {
  const CourtCalendar cal;
  EXPECT_EQ(*cal.court_day_on_or_after(D(2026, 11, 26)), D(2026, 11, 30));  // Thanksgiving -> Monday
  EXPECT_EQ(*cal.court_day_on_or_before(D(2026, 11, 26)), D(2026, 11, 25));  // -> Wednesday
  EXPECT_EQ(*cal.court_day_on_or_after(D(2026, 11, 25)), D(2026, 11, 25));   // a court day is itself
  EXPECT_EQ(*cal.court_day_on_or_before(D(2026, 11, 25)), D(2026, 11, 25));
}

// ---------------------------------------------------------------------------------------
// Closures as data

TEST(CourtCalendar, ClosureAddedAsData) {
  auto cal = CourtCalendar::with_closures({{D(2026, 11, 25), "power outage"},
                                           {D(2026, 11, 28), "a Saturday: no effect"},
                                           {D(2026, 3, 16), "flood"}, {D(2026, 3, 17), "flood"},
                                           {D(2026, 3, 18), "flood"}, {D(2026, 3, 19), "flood"},
                                           {D(2026, 3, 20), "flood"}});
  ASSERT_TRUE(cal);
  EXPECT_FALSE(cal->is_court_day(D(2026, 11, 25)));
  // Tue Nov 24 + 1: Wed 25 closed, 26-27 holidays, weekend: Mon Nov 30.
  EXPECT_EQ(*cal->add_court_days(D(2026, 11, 24), 1), D(2026, 11, 30));
  // Fri Mar 13 + 1: the whole week of Mar 16 closed: Mon Mar 23.
  EXPECT_EQ(*cal->add_court_days(D(2026, 3, 13), 1), D(2026, 3, 23));
  // CCP 12b: Nov 10 + 15 = Nov 25, closed: extends to Mon Nov 30.
  EXPECT_EQ(*cal->add_calendar_days(D(2026, 11, 10), 15), D(2026, 11, 30));
  // (Nov 20, Dec 1]: Mon 23, Tue 24, Mon 30, Tue Dec 1 = 4 (Wed 25 closed).
  EXPECT_EQ(*cal->court_days_between(D(2026, 11, 20), D(2026, 12, 1)), 4);
  // holidays() lists the closures among the holidays, by date: 14 + 7.
  const auto hs = cal->holidays(std::chrono::year{2026});
  ASSERT_EQ(hs.size(), 21u);
  // Ten holidays through Sep 25 and the five March closures come first.
  EXPECT_EQ(hs[4], (Holiday{D(2026, 3, 16), "flood"}));
  EXPECT_EQ(hs[15], (Holiday{D(2026, 11, 11), "Veterans Day"}));
  EXPECT_EQ(hs[16], (Holiday{D(2026, 11, 25), "power outage"}));
  // The default calendar is untouched.
  EXPECT_TRUE(CourtCalendar{}.is_court_day(D(2026, 11, 25)));
}

TEST(CourtCalendar, ClosureErrorsNameTheField) {
  auto far = CourtCalendar::with_closures({{D(2026, 1, 5), "ok"}, {D(1800, 1, 6), "too early"}});
  ASSERT_FALSE(far);
  EXPECT_EQ(far.error().code, ErrorCode::invalid_argument);
  ASSERT_EQ(far.error().fields.size(), 1u);
  EXPECT_EQ(far.error().fields[0].field, "closures[1].date");

  auto unnamed = CourtCalendar::with_closures({{D(2026, 1, 5), ""}});
  ASSERT_FALSE(unnamed);
  EXPECT_EQ(unnamed.error().fields[0].field, "closures[0].reason");
}

TEST(CourtCalendar, OutOfRangeIsInvalidArgument) {
  const CourtCalendar cal;
  auto before = cal.add_court_days(D(1899, 12, 29), 1);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(before.error().fields[0].field, "date");

  auto past_end = cal.add_court_days(D(2399, 12, 28), 10);
  ASSERT_FALSE(past_end);
  EXPECT_EQ(past_end.error().fields[0].field, "days");

  // Jan 1 1900, the first supported day, is New Year's Day: no court day on or before it.
  auto none = cal.court_day_on_or_before(D(1900, 1, 1));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(*cal.add_court_days(D(1900, 1, 1), 1), D(1900, 1, 2));
  EXPECT_FALSE(cal.add_court_days(D(1900, 1, 2), -1));
}

// ---------------------------------------------------------------------------------------
// Property: the constant-time counting agrees with walking the days one by one.

class NaiveCalendar {
 public:
  NaiveCalendar() {
    for (int y = CourtCalendar::kFirstYear - 1; y <= CourtCalendar::kLastYear + 1; ++y) {
      for (const auto& h : court_holidays(std::chrono::year{y})) holidays_.insert(h.date.time_since_epoch().count());
    }
  }
  bool court_day(sys_days d) const {
    const std::chrono::weekday wd{d};
    return wd != std::chrono::Saturday && wd != std::chrono::Sunday &&
           !holidays_.contains(d.time_since_epoch().count());
  }
  sys_days add(sys_days d, long n) const {
    const std::chrono::days step{n > 0 ? 1 : -1};
    for (long left = n > 0 ? n : -n; left > 0;) {
      d += step;
      if (court_day(d)) --left;
    }
    return d;
  }
  long between(sys_days a, sys_days b) const {
    // a excluded, b included: (a, b] forward, [b, a) backward.
    const std::chrono::days one{1};
    long n = 0;
    if (b >= a) {
      for (auto d = a + one; d <= b; d += one) n += court_day(d) ? 1 : 0;
    } else {
      for (auto d = b; d < a; d += one) n -= court_day(d) ? 1 : 0;
    }
    return n;
  }

 private:
  std::unordered_set<long> holidays_;
};

TEST(CourtCalendarProperty, AgreesWithADayByDayWalk) {
  const NaiveCalendar naive;
  const CourtCalendar cal;
  std::mt19937 rng(20260531);
  std::uniform_int_distribution<int> start_day(static_cast<int>(D(1950, 1, 1).time_since_epoch().count()),
                                               static_cast<int>(D(2350, 1, 1).time_since_epoch().count()));
  std::uniform_int_distribution<int> small(-400, 400);
  for (int i = 0; i < 400; ++i) {
    const sys_days d{std::chrono::days{start_day(rng)}};
    // The long walks are slow in the reference: every tenth start only.
    std::vector<long> ns = {10L, -10L, static_cast<long>(small(rng))};
    if (i % 10 == 0) ns.insert(ns.end(), {10000L, -10000L});
    for (long n : ns) {
      auto got = cal.add_court_days(d, n);
      ASSERT_TRUE(got) << "start " << d.time_since_epoch().count() << " n " << n;
      EXPECT_EQ(*got, n == 0 ? d : naive.add(d, n)) << "start " << d.time_since_epoch().count() << " n " << n;
      EXPECT_EQ(*cal.court_days_between(d, *got), n);  // *got is a court day
    }
    const sys_days e = d + std::chrono::days{small(rng)};
    EXPECT_EQ(*cal.court_days_between(d, e), naive.between(d, e));
    EXPECT_EQ(cal.is_court_day(d), naive.court_day(d));
  }
}

TEST(CourtCalendarProperty, TenThousandIsTenTimesOneThousand) {
  const CourtCalendar cal;
  sys_days step = D(2026, 11, 26);  // Thanksgiving: not a court day to start from
  for (int i = 0; i < 10; ++i) step = *cal.add_court_days(step, 1000);
  EXPECT_EQ(*cal.add_court_days(D(2026, 11, 26), 10000), step);
  for (int i = 0; i < 10; ++i) step = *cal.add_court_days(step, -1000);
  // Back 10,000 from the 10,000th court day after Thanksgiving: the 9,999 court days after
  // Thanksgiving before it, then the court day before Thanksgiving, Wed Nov 25.
  EXPECT_EQ(step, D(2026, 11, 25));
}

// ---------------------------------------------------------------------------------------
// PC 825(a): hours excluding Sundays and holidays, on Los Angeles local time

struct HourRow {
  TimePoint start;
  TimePoint expected;
  CourtSession session;
  const char* why;
};

TEST(CourtCalendar, AddCourtHours) {
  const CourtSession standard{};
  const CourtSession opens_830{std::chrono::hours{8} + std::chrono::minutes{30}, std::chrono::hours{17}};
  const CourtSession closes_19{std::chrono::minutes{0}, std::chrono::hours{19}};
  // clang-format off
  const HourRow rows[] = {
      {utc(2026, 3, 7, 18), utc(2026, 3, 10, 17), standard,
       "DST begins: Sat Mar 7 10:00 PST; Sat 14 h, Sun (23 h, DST) skipped, Mon 24 h from 00:00 PDT, "
       "Tue 10 h -> Tue 10:00 PDT = 17:00Z (a naive +72 h would say 18:00Z)"},
      {utc(2026, 10, 31, 17), utc(2026, 11, 3, 18), standard,
       "DST ends: Sat Oct 31 10:00 PDT; Sat 14 h, Sun (25 h) skipped, Mon 24 h from 00:00 PST, "
       "Tue 10:00 PST = 18:00Z (a naive +72 h would say 17:00Z)"},
      {utc(2026, 3, 2, 17), utc(2026, 3, 4, 17), standard,
       "Mon 09:00 PST + 48 h = Wed 09:00 PST, in session"},
      {utc(2026, 3, 3, 2, 30), utc(2026, 3, 6, 1), standard,
       "Mon 18:30 PST -> Wed 18:30, after the 17:00 close: Thu Mar 5 17:00 PST = Mar 6 01:00Z"},
      {utc(2026, 3, 3, 2, 30), utc(2026, 3, 5, 2, 30), closes_19,
       "the same with a 19:00 close: Wed 18:30 PST is in session"},
      {utc(2026, 3, 3, 1), utc(2026, 3, 5, 1), standard,
       "Mon 17:00 PST -> Wed 17:00 exactly: still in session (the close is inclusive)"},
      {utc(2026, 3, 5, 18), utc(2026, 3, 10, 0), standard,
       "Thu Mar 5 10:00 PST -> Sat 10:00: no session; Mon Mar 9 17:00 PDT (DST began Sunday) = Mar 10 00:00Z"},
      {utc(2026, 11, 25, 16), utc(2026, 11, 30, 16), standard,
       "Wed Nov 25 08:00 PST: Wed 16 h, Thanksgiving and the day after skipped, Sat 24 h (40), Sun skipped, "
       "Mon 8 h -> Mon 08:00 PST = 16:00Z"},
      {utc(2026, 3, 8, 19), utc(2026, 3, 11, 7), standard,
       "arrest Sun Mar 8 12:00 PDT: counting starts Mon 00:00 PDT; 48 h -> Wed 00:00 PDT = 07:00Z "
       "(default opening at midnight: due as it falls)"},
      {utc(2026, 3, 8, 19), utc(2026, 3, 12, 0), opens_830,
       "the same with an 08:30 opening: Wed 00:00 is before the session: Wed 17:00 PDT = Mar 12 00:00Z"},
      {utc(2027, 6, 16, 19), utc(2027, 6, 22, 0), standard,
       "Wed Jun 16 12:00 PDT: Wed 12 h, Thu 24 h (36), Juneteenth observed Fri 18 skipped, Sat 12 h -> Sat 12:00, "
       "no session: Mon Jun 21 17:00 PDT = Jun 22 00:00Z"},
  };
  // clang-format on
  const CourtCalendar cal;
  for (const auto& r : rows) {
    auto got = cal.add_court_hours(r.start, std::chrono::hours{48}, r.session);
    ASSERT_TRUE(got) << r.why;
    EXPECT_EQ(*got, r.expected) << r.why;
  }
}

TEST(CourtCalendar, CourtHoursCountAClosureButWaitForTheSession) {
  auto cal = CourtCalendar::with_closures({{D(2026, 3, 4), "flood"}});
  ASSERT_TRUE(cal);
  // Mon Mar 2 09:00 PST + 48 h = Wed Mar 4 09:00 (the closure is counted: the safe side), but
  // the court does not sit that day: Thu Mar 5 17:00 PST = Mar 6 01:00Z.
  EXPECT_EQ(*cal->add_court_hours(utc(2026, 3, 2, 17), std::chrono::hours{48}), utc(2026, 3, 6, 1));
}

TEST(CourtCalendar, CourtHoursErrors) {
  const CourtCalendar cal;
  auto zero = cal.add_court_hours(utc(2026, 3, 2, 17), std::chrono::hours{0});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().fields[0].field, "hours");
  auto inverted = cal.add_court_hours(utc(2026, 3, 2, 17), std::chrono::hours{48},
                                      CourtSession{std::chrono::hours{18}, std::chrono::hours{17}});
  ASSERT_FALSE(inverted);
  EXPECT_EQ(inverted.error().fields[0].field, "session");
}

TEST(CourtCalendar, LocalDateIsLosAngeles) {
  // 2026-03-08T07:30Z is Sat Mar 7 23:30 PST.
  EXPECT_EQ(*CourtCalendar::local_date(utc(2026, 3, 8, 7, 30)), D(2026, 3, 7));
  // 2026-03-08T08:30Z is Sun Mar 8 00:30 PST.
  EXPECT_EQ(*CourtCalendar::local_date(utc(2026, 3, 8, 8, 30)), D(2026, 3, 8));
}

}  // namespace
}  // namespace heat
