// The court calendar: which days a California superior court sits (CCP 135, CRC 1.11), and
// the counting of periods on it (CCP 12, 12a, 12b, 12c; PC 825 for hour-counted periods).
// Facts of law are in /work/shared/LEGAL.md ("Counting time", "Court holidays").
//
// Pure: no clock reads (every instant is passed in). The one outside read is the system
// time-zone database, loaded once (thread-safe) by the first hour-counted call.
// A CourtCalendar is immutable after construction: any number of threads may read one.
#pragma once

#include "engine/clock.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace heat {

// The court's time zone: hour-counted periods are counted on its local clock.
inline constexpr const char* kCourtTimeZone = "America/Los_Angeles";

// A court holiday by the rule set of LEGAL.md, or a closure added as data.
struct Holiday {
  std::chrono::sys_days date;
  std::string name;
  friend bool operator==(const Holiday&, const Holiday&) = default;
};

// A day the court is closed besides its holidays (an emergency, CCP 12b): data, not law.
struct Closure {
  std::chrono::sys_days date;
  std::string reason;
  friend bool operator==(const Closure&, const Closure&) = default;
};

// The court's sitting hours, as local times of day. PC 825(a): 48 hours that expire while
// the court is not in session run to the end of its next session.
struct CourtSession {
  // Default midnight: with the opening unknown, an expiry early on a court day is taken as
  // due when it falls (never later than the law's deadline: the safe side).
  std::chrono::minutes opens{0};
  std::chrono::minutes closes{std::chrono::hours{17}};
};

// The court holidays of `year` by LEGAL.md's rule set (any year): the observed dates
// (a Saturday holiday on the Friday before, a Sunday one on the Monday after), sorted.
// Includes Dec 31 when the next New Year's Day falls on a Saturday, and excludes this
// year's Jan 1 in that case (it was observed the year before). Observed days carry the
// name with " (observed)". The current rule set is applied to every year: holidays that
// did not exist yet in a past year are not modelled.
[[nodiscard]] std::vector<Holiday> court_holidays(std::chrono::year year);

class CourtCalendar {
 public:
  // Counting is supported on days of these years (inclusive); dates outside answer
  // invalid_argument (is_court_day alone answers for any date).
  static constexpr int kFirstYear = 1900;
  static constexpr int kLastYear = 2399;

  // A calendar with the holidays alone.
  CourtCalendar();

  // A calendar that also closes on `closures`. Errors: invalid_argument (field
  // "closures[i].date") for a date outside the supported years, ("closures[i].reason") for an
  // empty reason. A closure on a weekend or holiday is kept (holidays() lists it) but changes
  // nothing.
  [[nodiscard]] static Result<CourtCalendar> with_closures(std::vector<Closure> closures);

  // A day that is neither a Saturday, a Sunday, a court holiday nor a closure. Any date.
  [[nodiscard]] bool is_court_day(std::chrono::sys_days d) const;

  // The holidays of `year` (court_holidays) and this calendar's closures in it, by date.
  [[nodiscard]] std::vector<Holiday> holidays(std::chrono::year year) const;

  [[nodiscard]] const std::vector<Closure>& closures() const { return closures_; }

  // The n-th court day after d (n > 0), or before d (n < 0), never counting d itself;
  // d need not be a court day. n == 0 returns d. Constant time in |n|.
  // Errors: invalid_argument when d or the result lies outside the supported years.
  [[nodiscard]] Result<std::chrono::sys_days> add_court_days(std::chrono::sys_days d, long n) const;

  // The court days counted from a to b, a excluded and b included, as add_court_days counts:
  // the number in (a, b] when a <= b, minus the number in [b, a) when b < a. So
  // add_court_days(a, court_days_between(a, b)) == b for every court day b.
  // Errors: invalid_argument outside the supported years.
  [[nodiscard]] Result<long> court_days_between(std::chrono::sys_days a, std::chrono::sys_days b) const;

  // A period of n calendar days (CCP 12: first day excluded, last included).
  // Forward (n > 0), CCP 12a/12b: a last day that is not a court day extends to the next
  // court day. Backward (n < 0), CCP 12c ("|n| days before a hearing on d", d excluded): a
  // last day that is not a court day moves EARLIER, to the court day before it — the act must
  // be done by then, so the deadline is never later than the law's (the safe side).
  // n == 0 returns d. Errors: invalid_argument outside the supported years.
  [[nodiscard]] Result<std::chrono::sys_days> add_calendar_days(std::chrono::sys_days d, long n) const;

  // d itself when it is a court day, else the next (or the previous) court day.
  [[nodiscard]] Result<std::chrono::sys_days> court_day_on_or_after(std::chrono::sys_days d) const;
  [[nodiscard]] Result<std::chrono::sys_days> court_day_on_or_before(std::chrono::sys_days d) const;

  // `hours` counted from `start` on the court's local clock (kCourtTimeZone, DST-correct),
  // skipping every Sunday and court holiday (whole local days; a holiday is its observed
  // weekday, so a holiday's own Saturday is counted) but counting Saturdays and closures
  // (LEGAL.md: whether Saturdays count is unconfirmed; counting gives the earlier, safe
  // deadline) — PC 825(a). A start on a skipped day counts from
  // the next local midnight. Let E be the instant the hours run out:
  //   - E on a court day, session.opens <= local time <= session.closes: due at E;
  //   - E on a court day before session.opens: due at that day's session.closes;
  //   - otherwise (after the session, or on a day the court does not sit): due at
  //     session.closes on the next court day.
  // Returns the due instant in UTC. Errors: invalid_argument for hours <= 0, a session with
  // opens > closes or outside 0..24h, or a date outside the supported years; unavailable
  // when the system time-zone database cannot be read.
  [[nodiscard]] Result<TimePoint> add_court_hours(TimePoint start, std::chrono::hours hours,
                                                  CourtSession session = {}) const;

  // The court-local calendar date of an instant. Errors: unavailable (no tz database).
  [[nodiscard]] static Result<std::chrono::sys_days> local_date(TimePoint t);

  [[nodiscard]] static std::chrono::sys_days first_day();
  [[nodiscard]] static std::chrono::sys_days last_day();

 private:
  [[nodiscard]] long count_before(long day) const;     // court days in [first_day(), day)
  [[nodiscard]] long first_reaching(long count) const;  // least day x with count_before(x) >= count
  [[nodiscard]] Status check_range(std::chrono::sys_days d, const char* field) const;

  std::vector<Closure> closures_;
  std::vector<long> closed_;  // weekdays the court does not sit (holidays, closures), sorted, unique
  std::vector<long> key_;     // key_[i] = weekdays_before(closed_[i]) - i, nondecreasing
};

}  // namespace heat
