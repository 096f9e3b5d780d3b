// Court days are counted without walking the days: a closed form counts the weekdays before
// a day, and a sorted list of the weekdays the court does not sit (holidays and closures,
// precomputed for kFirstYear..kLastYear) is subtracted by binary search. Inverting that count
// ("the least day by which k court days have passed") is one more binary search over a
// precomputed key, so add_court_days costs the same for 10 days as for 10,000.
#include "engine/court_calendar.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cassert>
#include <exception>
#include <iterator>

namespace heat {
namespace {

namespace chr = std::chrono;

constexpr long kMaxCourtHours = 24L * 366 * 10;  // a sanity bound on hour-counted periods

long day_number(chr::sys_days d) { return static_cast<long>(d.time_since_epoch().count()); }
chr::sys_days from_number(long n) { return chr::sys_days{chr::days{n}}; }

bool is_weekend(chr::sys_days d) {
  const auto wd = chr::weekday{d};
  return wd == chr::Saturday || wd == chr::Sunday;
}

chr::sys_days nth_weekday(chr::year y, chr::month m, chr::weekday wd, unsigned n) {
  return chr::sys_days{chr::year_month_weekday{y, m, wd[n]}};
}
chr::sys_days last_weekday(chr::year y, chr::month m, chr::weekday wd) {
  return chr::sys_days{chr::year_month_weekday_last{y, m, chr::weekday_last{wd}}};
}

// CRC 1.11: a holiday on a Saturday is observed the Friday before, one on a Sunday the
// Monday after.
void add_observed(std::vector<Holiday>& out, chr::sys_days actual, const char* name) {
  const auto wd = chr::weekday{actual};
  if (wd == chr::Saturday) {
    out.push_back({actual - chr::days{1}, std::string(name) + " (observed)"});
  } else if (wd == chr::Sunday) {
    out.push_back({actual + chr::days{1}, std::string(name) + " (observed)"});
  } else {
    out.push_back({actual, name});
  }
}

// LEGAL.md's rule set for the holidays whose actual date lies in `y`.
std::vector<Holiday> holidays_dated_in(chr::year y) {
  using chr::Monday, chr::Thursday, chr::Friday;
  std::vector<Holiday> out;
  out.reserve(15);
  add_observed(out, chr::sys_days{y / chr::January / 1}, "New Year's Day");
  out.push_back({nth_weekday(y, chr::January, Monday, 3), "Martin Luther King Jr. Day"});
  add_observed(out, chr::sys_days{y / chr::February / 12}, "Lincoln's Birthday");
  out.push_back({nth_weekday(y, chr::February, Monday, 3), "Washington's Birthday"});
  add_observed(out, chr::sys_days{y / chr::March / 31}, "Cesar Chavez Day");
  out.push_back({last_weekday(y, chr::May, Monday), "Memorial Day"});
  add_observed(out, chr::sys_days{y / chr::June / 19}, "Juneteenth");
  add_observed(out, chr::sys_days{y / chr::July / 4}, "Independence Day");
  out.push_back({nth_weekday(y, chr::September, Monday, 1), "Labor Day"});
  out.push_back({nth_weekday(y, chr::September, Friday, 4), "Native American Day"});
  add_observed(out, chr::sys_days{y / chr::November / 11}, "Veterans Day");
  const auto thanksgiving = nth_weekday(y, chr::November, Thursday, 4);
  out.push_back({thanksgiving, "Thanksgiving Day"});
  out.push_back({thanksgiving + chr::days{1}, "Day after Thanksgiving"});
  add_observed(out, chr::sys_days{y / chr::December / 25}, "Christmas Day");
  return out;
}

// The weekdays of kFirstYear..kLastYear that are court holidays, sorted: built once, shared
// by every calendar (a function-local static is initialized once, thread-safely).
const std::vector<long>& holiday_weekdays() {
  static const std::vector<long> days = [] {
    std::vector<long> v;
    v.reserve(static_cast<std::size_t>(CourtCalendar::kLastYear - CourtCalendar::kFirstYear + 1) * 15);
    for (int y = CourtCalendar::kFirstYear; y <= CourtCalendar::kLastYear; ++y) {
      for (const auto& h : court_holidays(chr::year{y})) v.push_back(day_number(h.date));
    }
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return days;
}

bool is_holiday(chr::sys_days d) {
  const chr::year y = chr::year_month_day{d}.year();
  if (y >= chr::year{CourtCalendar::kFirstYear} && y <= chr::year{CourtCalendar::kLastYear}) {
    const auto& v = holiday_weekdays();
    return std::binary_search(v.begin(), v.end(), day_number(d));
  }
  const auto list = court_holidays(y);
  return std::any_of(list.begin(), list.end(), [&](const Holiday& h) { return h.date == d; });
}

// Weekdays (Monday to Friday) in [first_day, day): closed form, first_day being a Monday.
long weekdays_before(long day) {
  const long n = day - day_number(CourtCalendar::first_day());
  assert(n >= 0);
  return n / 7 * 5 + std::min(n % 7, 5L);
}

// The least day x with weekdays_before(x) >= k, for k >= 1.
long first_with_weekdays(long k) {
  assert(k >= 1);
  const long w = (k - 1) / 5;
  const long r = (k - 1) % 5 + 1;
  return day_number(CourtCalendar::first_day()) + w * 7 + r;
}

const date::time_zone* court_zone() { return date::locate_zone(kCourtTimeZone); }

chr::sys_days local_day_of(const date::time_zone* z, TimePoint t) {
  const auto local = z->to_local(t);
  return chr::sys_days{chr::days{date::floor<date::days>(local).time_since_epoch().count()}};
}

// The local wall-clock time of day of an instant (not the time elapsed since midnight,
// which differs by an hour on the days DST begins or ends).
chr::microseconds local_time_of_day(const date::time_zone* z, TimePoint t) {
  const auto local = z->to_local(t);
  return local - date::floor<date::days>(local);
}

// The UTC instant of local midnight (plus `tod`) on court-local day d.
TimePoint at_local(const date::time_zone* z, chr::sys_days d, chr::minutes tod) {
  const date::local_time<chr::microseconds> lt{chr::duration_cast<chr::microseconds>(d.time_since_epoch() + tod)};
  return z->to_sys(lt, date::choose::earliest);
}

}  // namespace

std::vector<Holiday> court_holidays(chr::year year) {
  auto out = holidays_dated_in(year);
  // New Year's Day of the next year, on a Saturday, is observed on Dec 31 of this one; and
  // this year's, on a Saturday, was observed last year.
  for (const auto& h : holidays_dated_in(year + chr::years{1})) {
    if (chr::year_month_day{h.date}.year() == year) out.push_back(h);
  }
  std::erase_if(out, [&](const Holiday& h) { return chr::year_month_day{h.date}.year() != year; });
  std::stable_sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return out;
}

chr::sys_days CourtCalendar::first_day() { return chr::sys_days{chr::year{kFirstYear} / chr::January / 1}; }
chr::sys_days CourtCalendar::last_day() { return chr::sys_days{chr::year{kLastYear} / chr::December / 31}; }

namespace {
std::vector<long> keys_of(const std::vector<long>& closed) {
  std::vector<long> key;
  key.reserve(closed.size());
  for (std::size_t i = 0; i < closed.size(); ++i) key.push_back(weekdays_before(closed[i]) - static_cast<long>(i));
  return key;
}
}  // namespace

CourtCalendar::CourtCalendar() : closed_(holiday_weekdays()) {
  // weekdays_before counts from first_day, which must be a Monday (1900-01-01 is).
  assert(chr::weekday{first_day()} == chr::Monday);
  static const std::vector<long> holiday_keys = keys_of(holiday_weekdays());
  key_ = holiday_keys;
}

Result<CourtCalendar> CourtCalendar::with_closures(std::vector<Closure> closures) {
  CourtCalendar cal;
  for (std::size_t i = 0; i < closures.size(); ++i) {
    const auto& c = closures[i];
    const std::string prefix = "closures[" + std::to_string(i) + "]";
    if (c.date < first_day() || c.date > last_day()) {
      return Error::invalid(prefix + ".date", "must lie in years " + std::to_string(kFirstYear) + " to " +
                                                  std::to_string(kLastYear));
    }
    if (c.reason.empty()) return Error::invalid(prefix + ".reason", "must not be empty");
  }
  std::vector<long> extra;
  for (const auto& c : closures) {
    if (!is_weekend(c.date)) extra.push_back(day_number(c.date));
  }
  std::sort(extra.begin(), extra.end());
  std::vector<long> merged;
  merged.reserve(cal.closed_.size() + extra.size());
  std::set_union(cal.closed_.begin(), cal.closed_.end(), extra.begin(), extra.end(), std::back_inserter(merged));
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  cal.closed_ = std::move(merged);
  cal.key_ = keys_of(cal.closed_);
  std::stable_sort(closures.begin(), closures.end(),
                   [](const Closure& a, const Closure& b) { return a.date < b.date; });
  cal.closures_ = std::move(closures);
  return cal;
}

bool CourtCalendar::is_court_day(chr::sys_days d) const {
  if (is_weekend(d)) return false;
  if (d >= first_day() && d <= last_day()) {
    return !std::binary_search(closed_.begin(), closed_.end(), day_number(d));
  }
  return !is_holiday(d);  // closures lie inside the supported years
}

std::vector<Holiday> CourtCalendar::holidays(chr::year year) const {
  auto out = court_holidays(year);
  for (const auto& c : closures_) {
    if (chr::year_month_day{c.date}.year() == year) out.push_back({c.date, c.reason});
  }
  std::stable_sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return out;
}

long CourtCalendar::count_before(long day) const {
  const auto closed_before = std::lower_bound(closed_.begin(), closed_.end(), day) - closed_.begin();
  return weekdays_before(day) - static_cast<long>(closed_before);
}

long CourtCalendar::first_reaching(long count) const {
  // On (closed_[i-1], closed_[i]] count_before(x) == weekdays_before(x) - i, so the answer
  // lies in the first such interval whose right end reaches `count` (key_ is that end's
  // count): then only the weekdays remain to be inverted.
  const auto i = std::lower_bound(key_.begin(), key_.end(), count) - key_.begin();
  return first_with_weekdays(count + static_cast<long>(i));
}

Status CourtCalendar::check_range(chr::sys_days d, const char* field) const {
  if (d < first_day() || d > last_day()) {
    return Error::invalid(field,
                          "must lie in years " + std::to_string(kFirstYear) + " to " + std::to_string(kLastYear));
  }
  return {};
}

Result<chr::sys_days> CourtCalendar::add_court_days(chr::sys_days d, long n) const {
  if (auto st = check_range(d, "date"); !st) return st.error();
  if (n == 0) return d;
  constexpr long kMaxSpan = 400L * 366;  // keeps the arithmetic far from overflow
  if (n > kMaxSpan || n < -kMaxSpan) return Error::invalid("days", "is out of range");
  const long day = day_number(d);
  long result = 0;
  if (n > 0) {
    // The least x whose count_before reaches count_before(d + 1) + n, i.e. with n court days
    // in (d, x): the day before x is then the n-th court day after d.
    result = first_reaching(count_before(day + 1) + n) - 1;
  } else {
    // The court day e with count_before(e) == count_before(d) + n: |n| court days in [e, d).
    const long target = count_before(day) + n;
    if (target < 0) return Error::invalid("days", "counts back before the supported years");
    result = first_reaching(target + 1) - 1;
  }
  const auto out = from_number(result);
  if (auto st = check_range(out, "days"); !st) return st.error();
  return out;
}

Result<long> CourtCalendar::court_days_between(chr::sys_days a, chr::sys_days b) const {
  if (auto st = check_range(a, "from"); !st) return st.error();
  if (auto st = check_range(b, "to"); !st) return st.error();
  // Counted from a, a excluded and b included, in either direction, like add_court_days.
  if (b >= a) return count_before(day_number(b) + 1) - count_before(day_number(a) + 1);
  return count_before(day_number(b)) - count_before(day_number(a));
}

Result<chr::sys_days> CourtCalendar::court_day_on_or_after(chr::sys_days d) const {
  if (auto st = check_range(d, "date"); !st) return st.error();
  const auto out = from_number(first_reaching(count_before(day_number(d)) + 1) - 1);
  if (auto st = check_range(out, "date"); !st) return st.error();
  return out;
}

Result<chr::sys_days> CourtCalendar::court_day_on_or_before(chr::sys_days d) const {
  if (auto st = check_range(d, "date"); !st) return st.error();
  const long c = count_before(day_number(d) + 1);
  if (c <= 0) return Error::invalid("date", "no court day before it in the supported years");
  return from_number(first_reaching(c) - 1);
}

Result<chr::sys_days> CourtCalendar::add_calendar_days(chr::sys_days d, long n) const {
  if (auto st = check_range(d, "date"); !st) return st.error();
  if (n == 0) return d;
  constexpr long kMaxSpan = 600L * 366;
  if (n > kMaxSpan || n < -kMaxSpan) return Error::invalid("days", "is out of range");
  const auto last = d + chr::days{n};
  if (auto st = check_range(last, "days"); !st) return st.error();
  return n > 0 ? court_day_on_or_after(last) : court_day_on_or_before(last);
}

Result<chr::sys_days> CourtCalendar::local_date(TimePoint t) {
  try {
    return local_day_of(court_zone(), t);
  } catch (const std::exception& e) {
    return Error::of(ErrorCode::unavailable, std::string("time-zone database: ") + e.what());
  }
}

Result<TimePoint> CourtCalendar::add_court_hours(TimePoint start, chr::hours hours, CourtSession session) const {
  if (hours.count() <= 0 || hours.count() > kMaxCourtHours) {
    return Error::invalid("hours", "must be positive and at most ten years");
  }
  if (session.opens < chr::minutes{0} || session.closes > chr::hours{24} || session.opens > session.closes) {
    return Error::invalid("session", "must open before it closes, within the day");
  }
  const date::time_zone* zone = nullptr;
  try {
    zone = court_zone();
  } catch (const std::exception& e) {
    return Error::of(ErrorCode::unavailable, std::string("time-zone database: ") + e.what());
  }

  // PC 825(a) skips Sundays and holidays; Saturdays and closures are counted (LEGAL.md:
  // whether Saturdays count is unconfirmed, so count them — the earlier deadline).
  const auto skipped = [](chr::sys_days d) { return chr::weekday{d} == chr::Sunday || is_holiday(d); };

  auto day = local_day_of(zone, start);
  if (auto st = check_range(day, "start"); !st) return st.error();
  TimePoint t = start;
  chr::microseconds remaining = hours;
  TimePoint expiry{};
  for (;;) {
    // Each local day spans 23, 24 or 25 real hours (DST): measure it in UTC.
    const TimePoint next_midnight = at_local(zone, day + chr::days{1}, chr::minutes{0});
    if (skipped(day)) {
      t = next_midnight;
    } else if (remaining <= next_midnight - t) {
      expiry = t + remaining;
      break;
    } else {
      remaining -= next_midnight - t;
      t = next_midnight;
    }
    day += chr::days{1};
    if (auto st = check_range(day, "hours"); !st) return st.error();
  }

  // Past the session's close, or on a day the court does not sit: to the end of the next
  // session (PC 825(a): "extended to include the duration of the next court session").
  const auto expiry_day = local_day_of(zone, expiry);
  const auto time_of_day = local_time_of_day(zone, expiry);
  if (is_court_day(expiry_day)) {
    if (time_of_day < session.opens) return at_local(zone, expiry_day, session.closes);
    if (time_of_day <= session.closes) return expiry;
  }
  auto next = add_court_days(expiry_day, 1);
  if (!next) return next.error();
  return at_local(zone, *next, session.closes);
}

}  // namespace heat
