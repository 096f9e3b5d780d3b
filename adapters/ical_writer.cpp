#include "adapters/ical_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

namespace heat::adapters {
namespace {

using std::chrono::sys_seconds;

// Length of the UTF-8 sequence starting at s[i] if it is a valid one, else 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1Fu, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0Fu, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::string two(unsigned v) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "%02u", v % 100);
  return buf;
}

// YYYYMMDDTHHMMSS of a civil time (seconds precision).
template <class Clock>
std::string basic_date_time(std::chrono::time_point<Clock, std::chrono::seconds> t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{std::chrono::sys_days(day.time_since_epoch())};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string basic_date(date::local_days d) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(d.time_since_epoch())};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string utc_stamp(TimePoint t) { return basic_date_time(std::chrono::floor<std::chrono::seconds>(t)) + "Z"; }

// ±HHMM or ±HHMMSS (3.3.14).
std::string utc_offset(std::chrono::seconds off) {
  const char sign = off.count() < 0 ? '-' : '+';
  const auto a = static_cast<unsigned>(off.count() < 0 ? -off.count() : off.count());
  std::string s(1, sign);
  s += two(a / 3600) + two(a / 60 % 60);
  if (a % 60 != 0) s += two(a % 60);
  return s;
}

std::string kind_label(std::string_view kind) {
  if (kind == "arraignment") return "Arraignment";
  if (kind == "preliminary_hearing") return "Preliminary hearing";
  if (kind == "readiness") return "Readiness conference";
  if (kind == "trial") return "Trial";
  if (kind == "sentencing") return "Sentencing";
  if (kind == "restitution") return "Restitution hearing";
  if (kind == "motion") return "Motion hearing";
  return "Hearing";
}

// --- VTIMEZONE ---------------------------------------------------------------------------

struct Onset {
  sys_seconds at;            // UTC instant of the change
  std::chrono::seconds from;  // offset before
  std::chrono::seconds to;    // offset after
  bool daylight = false;
  std::string name;
  [[nodiscard]] date::local_seconds local() const { return date::local_seconds{at.time_since_epoch() + from}; }
};

std::chrono::year local_year(const Onset& o) {
  const auto day = std::chrono::floor<std::chrono::days>(o.local());
  return std::chrono::year_month_day{std::chrono::sys_days(day.time_since_epoch())}.year();
}

struct DayRule {
  int nth = 0;  // 1..5, or -1 for the last such weekday of the month
};

// The weekday-of-month rule all these onsets (same month and weekday) follow, if any.
std::optional<DayRule> common_day_rule(const std::vector<Onset>& onsets) {
  std::optional<int> nth;
  bool nth_ok = true;
  bool last_ok = true;
  for (const auto& o : onsets) {
    const auto day = std::chrono::floor<std::chrono::days>(o.local());
    const std::chrono::year_month_day ymd{std::chrono::sys_days(day.time_since_epoch())};
    const int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
    const int n = (d - 1) / 7 + 1;
    if (nth && *nth != n) nth_ok = false;
    nth = n;
    const auto last = std::chrono::year_month_day_last{ymd.year(), std::chrono::month_day_last{ymd.month()}};
    if (d + 7 <= static_cast<int>(static_cast<unsigned>(last.day()))) last_ok = false;
  }
  if (!nth) return std::nullopt;
  if (nth_ok && *nth <= 4) return DayRule{*nth};
  if (last_ok) return DayRule{-1};
  if (nth_ok) return DayRule{*nth};
  return std::nullopt;
}

const char* kByDay[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
      ++i;
    } else if (c == '\r' || c == '\n') {
      out += "\\n";
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
    } else if (u < 0x20 || u == 0x7F) {
      if (c == '\t') out += ' ';  // HTAB is allowed, but a space reads the same everywhere
      ++i;
    } else if (u < 0x80) {
      out += c;
      ++i;
    } else if (const std::size_t n = utf8_sequence(text, i); n > 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no valid sequence
      ++i;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  constexpr std::size_t kMax = 75;
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  std::size_t pos = 0;
  bool first = true;
  while (true) {
    const std::size_t room = first ? kMax : kMax - 1;  // a continuation line starts with a space
    if (line.size() - pos <= room) {
      if (!first) out += ' ';
      out.append(line.substr(pos));
      out += "\r\n";
      return out;
    }
    std::size_t cut = pos + room;
    // Back up to the start of a UTF-8 sequence (never leave a continuation byte first).
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0u) == 0x80u) --cut;
    if (cut == pos) cut = pos + room;  // not UTF-8 at all (precondition broken): cut anyway
    if (!first) out += ' ';
    out.append(line.substr(pos, cut - pos));
    out += "\r\n";
    pos = cut;
    first = false;
  }
}

std::string vtimezone(const date::time_zone& zone, std::string_view tzid, TimePoint from, TimePoint to) {
  using namespace std::chrono;
  const auto year_of = [](TimePoint t) {
    return year_month_day{floor<days>(t)}.year();
  };
  const year first_year = year_of(std::min(from, to)) - years{1};
  const year last_year = year_of(std::max(from, to)) + years{1};
  const sys_seconds begin{sys_days{first_year / January / 1}.time_since_epoch()};
  const sys_seconds end{sys_days{(last_year + years{1}) / January / 1}.time_since_epoch()};

  // Every change of offset or name in [begin, end), from the tz database.
  std::vector<Onset> onsets;
  date::sys_info info = zone.get_info(begin);
  const date::sys_info initial = info;
  while (info.end < end) {
    const date::sys_info next = zone.get_info(info.end);
    if (next.offset != info.offset || next.abbrev != info.abbrev || (next.save == minutes{0}) != (info.save == minutes{0})) {
      onsets.push_back(Onset{info.end, info.offset, next.offset, next.save != minutes{0}, next.abbrev});
    }
    if (next.end <= info.end) break;  // defensive: the database always moves forward
    info = next;
  }

  std::string out = fold_line("BEGIN:VTIMEZONE");
  out += fold_line("TZID:" + std::string(tzid));
  const auto component = [&out](const Onset& o, const std::string& extra) {
    const char* kind = o.daylight ? "DAYLIGHT" : "STANDARD";
    out += fold_line(std::string("BEGIN:") + kind);
    out += fold_line("DTSTART:" + basic_date_time(o.local()));
    out += extra;
    out += fold_line("TZOFFSETFROM:" + utc_offset(o.from));
    out += fold_line("TZOFFSETTO:" + utc_offset(o.to));
    if (!o.name.empty()) out += fold_line("TZNAME:" + escape_text(o.name));
    out += fold_line(std::string("END:") + kind);
  };

  if (onsets.empty()) {
    // A zone without changes in the range: one STANDARD from its start.
    component(Onset{begin, initial.offset, initial.offset, false, initial.abbrev}, "");
  } else {
    // Onsets of one kind that fall on the same month, weekday and local time every year of
    // a run of consecutive years are one yearly RRULE; anything else is listed as dated
    // onsets (DTSTART plus RDATEs).
    using Key = std::tuple<bool, long long, long long, std::string, unsigned, unsigned, long long>;
    std::map<Key, std::vector<Onset>> groups;
    std::vector<Key> order;
    for (const auto& o : onsets) {
      const auto local = o.local();
      const auto day = floor<days>(local);
      const year_month_day ymd{sys_days(day.time_since_epoch())};
      const weekday wd{sys_days(day.time_since_epoch())};
      Key key{o.daylight, o.from.count(), o.to.count(), o.name, static_cast<unsigned>(ymd.month()),
              wd.c_encoding(), (local - day).count()};
      auto [it, inserted] = groups.try_emplace(key);
      if (inserted) order.push_back(key);
      it->second.push_back(o);
    }
    for (const auto& key : order) {
      const auto& run = groups.at(key);
      bool consecutive = true;
      for (std::size_t i = 1; i < run.size(); ++i)
        consecutive = consecutive && local_year(run[i]) == local_year(run[i - 1]) + years{1};
      const auto rule = run.size() >= 2 && consecutive ? common_day_rule(run) : std::nullopt;
      if (rule) {
        const year last_run_year = local_year(run.back());
        std::string rrule = "RRULE:FREQ=YEARLY;BYMONTH=" + std::to_string(std::get<4>(key)) +
                            ";BYDAY=" + std::to_string(rule->nth) + kByDay[std::get<5>(key)];
        // A rule still in force at the end of the range is left open (the tz database's
        // current rule); one that stopped ends at its last onset.
        if (last_run_year < last_year) rrule += ";UNTIL=" + basic_date_time(run.back().at) + "Z";
        component(run.front(), fold_line(rrule));
      } else {
        std::string rdates;
        for (std::size_t i = 1; i < run.size(); ++i) rdates += fold_line("RDATE:" + basic_date_time(run[i].local()));
        component(run.front(), rdates);
      }
    }
  }
  out += fold_line("END:VTIMEZONE");
  return out;
}

bool exported_at(const CalendarHearing& hearing, TimePoint now) {
  if (hearing.status != "cancelled") return true;
  const TimePoint cancelled = hearing.cancelled_at.value_or(hearing.updated_at);
  return now - cancelled <= std::chrono::duration_cast<std::chrono::microseconds>(kCancelledHearingRetention);
}

std::string hearing_summary(const CalendarHearing& hearing) {
  std::string s = kind_label(hearing.kind);
  std::string ids;
  if (!hearing.da_number.empty()) ids = "DA " + hearing.da_number;
  if (!hearing.docket.empty()) ids += (ids.empty() ? "docket " : ", docket ") + hearing.docket;
  if (!ids.empty()) s += ": " + ids;
  return s;
}

Result<std::string> write_calendar(std::span<const CalendarHearing> hearings, TimePoint now,
                                   const IcalWriterOptions& options) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(options.tzid);
  } catch (const std::exception&) {
    return Error::invalid("tzid", "not a zone of the tz database: " + options.tzid);
  }
  std::vector<const CalendarHearing*> shown;
  for (const auto& h : hearings) {
    if (exported_at(h, now)) shown.push_back(&h);
  }
  std::sort(shown.begin(), shown.end(), [](const CalendarHearing* a, const CalendarHearing* b) {
    return std::tie(a->starts_at, a->id) < std::tie(b->starts_at, b->id);
  });

  std::string out;
  out += fold_line("BEGIN:VCALENDAR");
  out += fold_line("PRODID:" + options.prodid);
  out += fold_line("VERSION:2.0");
  out += fold_line("CALSCALE:GREGORIAN");
  out += fold_line("METHOD:PUBLISH");
  out += fold_line("X-WR-CALNAME:" + escape_text(options.calendar_name));
  out += fold_line("X-WR-TIMEZONE:" + options.tzid);
  const std::string refresh = "PT" + std::to_string(options.refresh_interval.count()) + "M";
  out += fold_line("REFRESH-INTERVAL;VALUE=DURATION:" + refresh);
  out += fold_line("X-PUBLISHED-TTL:" + refresh);

  // The one TZID used, valid over every instant written (or `now` for an empty calendar).
  TimePoint lo = now;
  TimePoint hi = now;
  if (!shown.empty()) {
    lo = shown.front()->starts_at;
    hi = lo;
    for (const auto* h : shown) {
      lo = std::min(lo, h->starts_at);
      hi = std::max(hi, h->ends_at.value_or(h->starts_at));
    }
  }
  out += vtimezone(*zone, options.tzid, lo, hi + std::chrono::duration_cast<std::chrono::microseconds>(
                                                     options.default_duration));

  const auto local_time = [zone](TimePoint t) {
    return zone->to_local(std::chrono::floor<std::chrono::seconds>(t));
  };
  for (const auto* h : shown) {
    out += fold_line("BEGIN:VEVENT");
    out += fold_line("UID:" + escape_text(h->id) + "@" + options.uid_domain);
    out += fold_line("SEQUENCE:" + std::to_string(std::max(0, h->sequence)));
    out += fold_line("DTSTAMP:" + utc_stamp(h->updated_at));
    out += fold_line("LAST-MODIFIED:" + utc_stamp(h->updated_at));
    if (h->all_day) {
      const auto day = std::chrono::floor<std::chrono::days>(local_time(h->starts_at));
      auto end_day = day + std::chrono::days{1};
      if (h->ends_at) end_day = std::max(end_day, std::chrono::ceil<std::chrono::days>(local_time(*h->ends_at)));
      out += fold_line("DTSTART;VALUE=DATE:" + basic_date(day));
      out += fold_line("DTEND;VALUE=DATE:" + basic_date(end_day));
    } else {
      TimePoint end = h->starts_at + std::chrono::duration_cast<std::chrono::microseconds>(options.default_duration);
      if (h->ends_at && *h->ends_at > h->starts_at) end = *h->ends_at;
      out += fold_line("DTSTART;TZID=" + options.tzid + ":" + basic_date_time(local_time(h->starts_at)));
      out += fold_line("DTEND;TZID=" + options.tzid + ":" + basic_date_time(local_time(end)));
    }
    out += fold_line("SUMMARY:" + escape_text(hearing_summary(*h)));
    if (!h->department.empty()) out += fold_line("LOCATION:" + escape_text(h->department));
    if (h->status == "continued" || h->status == "held")
      out += fold_line("DESCRIPTION:" + escape_text("Court status: " + h->status));
    out += fold_line(std::string("STATUS:") + (h->status == "cancelled" ? "CANCELLED" : "CONFIRMED"));
    out += fold_line("TRANSP:OPAQUE");
    out += fold_line("END:VEVENT");
  }
  out += fold_line("END:VCALENDAR");
  return out;
}

}  // namespace heat::adapters
