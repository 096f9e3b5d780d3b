// Court calendar feeds: the records the iCalendar and CSV parsers produce (issue 7), and the
// small rules both share — docket normalization, hearing kinds from court wording, the
// per-feed field mapping, and court-local wall time to UTC.
//
// Pure: no I/O, no clock. Everything here is a value type or a function of its arguments;
// any number of threads may call these at once (the time-zone database is loaded once,
// thread-safely, by date/tz).
#pragma once

#include "engine/clock.hpp"
#include "engine/result.hpp"

#include <date/tz.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heat::adapters {

// The court's time zone: floating iCalendar times, DATE values and every CSV time are
// wall-clock times there (API.md: court-local time zone is America/Los_Angeles).
inline constexpr const char* kCourtLocalZone = "America/Los_Angeles";

// Largest input either parser accepts: the import route's body limit (API.md, 64 MiB).
inline constexpr std::size_t kMaxFeedBytes = std::size_t{64} * 1024 * 1024;

// The hearing kinds of API.md ("court-events": kind), spelled as there.
enum class HearingKind { arraignment, preliminary_hearing, readiness, trial, sentencing, restitution, motion, other };

// held: the court reports the hearing took place.
enum class HearingStatus { scheduled, cancelled, held };

[[nodiscard]] constexpr std::string_view to_string(HearingKind k) {
  switch (k) {
    case HearingKind::arraignment: return "arraignment";
    case HearingKind::preliminary_hearing: return "preliminary_hearing";
    case HearingKind::readiness: return "readiness";
    case HearingKind::trial: return "trial";
    case HearingKind::sentencing: return "sentencing";
    case HearingKind::restitution: return "restitution";
    case HearingKind::motion: return "motion";
    case HearingKind::other: return "other";
  }
  return "other";
}

[[nodiscard]] constexpr std::string_view to_string(HearingStatus s) {
  switch (s) {
    case HearingStatus::scheduled: return "scheduled";
    case HearingStatus::cancelled: return "cancelled";
    case HearingStatus::held: return "held";
  }
  return "scheduled";
}

// The exact API spelling back to the enum ("preliminary_hearing"); nullopt for anything else.
[[nodiscard]] inline std::optional<HearingKind> hearing_kind_from_string(std::string_view s) {
  constexpr std::array kAll{HearingKind::arraignment, HearingKind::preliminary_hearing, HearingKind::readiness,
                            HearingKind::trial,       HearingKind::sentencing,          HearingKind::restitution,
                            HearingKind::motion,      HearingKind::other};
  for (HearingKind k : kAll) {
    if (to_string(k) == s) return k;
  }
  return std::nullopt;
}

// One hearing as a feed states it. Instants are UTC; `line` is set for CSV rows only.
struct HearingRecord {
  // The court's hearing id (CSV hearing-id column, or the iCalendar property mapped to
  // hearing_id) when the feed has one, else the iCalendar UID; empty when neither exists.
  std::string source_uid;
  // The iCalendar UID the record came from (== source_uid unless a hearing-id property is
  // mapped); empty for CSV.
  std::string uid;
  int sequence = 0;                  // iCalendar SEQUENCE; 0 for CSV
  std::string docket;                // as the feed wrote it ("26-CR-012345"); may be empty
  std::string normalized_docket;     // normalize_docket(docket)
  HearingKind kind = HearingKind::other;
  std::string kind_text;             // the court's wording the kind was read from
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;
  // A date without a time of day (iCalendar DATE, CSV row without a time): starts_at is
  // the start of that day on the court's (or the feed's) local clock.
  bool all_day = false;
  std::string department;
  std::string judge;
  HearingStatus status = HearingStatus::scheduled;
  std::string cancel_reason;
  // The court's status wording when it says more than "scheduled" ("Continued", "Held").
  std::string note;
  std::string summary;               // iCalendar SUMMARY (unescaped); empty for CSV
  // For an instance of a recurring iCalendar series: the instance's original start (its
  // RECURRENCE-ID). Differs from starts_at exactly when the court moved the instance — a
  // continuance. nullopt for a hearing that is not part of a series.
  std::optional<TimePoint> recurrence_id;
  // iCalendar X- properties of the event (first value per name), or, for CSV, the columns
  // no mapping field uses, by header text.
  std::map<std::string, std::string> x_properties;
  std::optional<std::size_t> line;   // CSV: physical line (1-based) where the row starts

  [[nodiscard]] bool moved() const { return recurrence_id && *recurrence_id != starts_at; }
  friend bool operator==(const HearingRecord&, const HearingRecord&) = default;
};

// A record the parser could not use. `line` for CSV rows (and iCalendar structure errors),
// `uid` for iCalendar components that had one.
struct Rejection {
  std::optional<std::size_t> line;
  std::optional<std::string> uid;
  std::string reason;
  friend bool operator==(const Rejection&, const Rejection&) = default;
};

struct ParseResult {
  std::vector<HearingRecord> records;
  std::vector<Rejection> rejections;
  // iCalendar METHOD of the (first) calendar, upper-case ("PUBLISH", "REQUEST", "CANCEL");
  // empty when absent and for CSV.
  std::string method;
};

// [from, to): the instants recurring iCalendar series are expanded in.
struct TimeWindow {
  TimePoint from{};
  TimePoint to{};
};

// Where each field comes from, per feed (API.md "feeds": mapping). Empty = the default:
// CSV columns by a list of usual header names (csv_parser.hpp), iCalendar properties as
// ical_parser.hpp describes. For CSV a value is a column header (matched ignoring case,
// spaces and punctuation, so "HearingDate " matches "HearingDate"); for iCalendar a
// property name ("X-COURT-DOCKET"). date and time are CSV-only.
struct FeedMapping {
  std::string docket;
  std::string hearing_type;
  std::string date;
  std::string time;
  std::string department;
  std::string judge;
  std::string hearing_id;
  std::string status;
  std::string cancel_reason;

  // From the JSON object of API.md, as pairs. Keys: docket, kind (or hearing_type), date,
  // time, department, judge, hearing_id, status, cancel_reason. Errors: invalid_argument
  // with field "mapping.<key>" for an unknown key, an empty value or a key given twice.
  [[nodiscard]] static Result<FeedMapping> from_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
    FeedMapping m;
    std::vector<std::string> seen;
    for (const auto& [key, value] : fields) {
      std::string* slot = nullptr;
      if (key == "docket") slot = &m.docket;
      else if (key == "kind" || key == "hearing_type") slot = &m.hearing_type;
      else if (key == "date") slot = &m.date;
      else if (key == "time") slot = &m.time;
      else if (key == "department") slot = &m.department;
      else if (key == "judge") slot = &m.judge;
      else if (key == "hearing_id") slot = &m.hearing_id;
      else if (key == "status") slot = &m.status;
      else if (key == "cancel_reason") slot = &m.cancel_reason;
      if (slot == nullptr) return Error::invalid("mapping." + key, "unknown mapping field");
      const std::string canonical = key == "kind" ? "hearing_type" : key;
      for (const auto& s : seen) {
        if (s == canonical) return Error::invalid("mapping." + key, "given twice");
      }
      seen.push_back(canonical);
      if (value.find_first_not_of(" \t") == std::string::npos) {
        return Error::invalid("mapping." + key, "must name a column or property");
      }
      *slot = value;
    }
    return m;
  }
  friend bool operator==(const FeedMapping&, const FeedMapping&) = default;
};

namespace detail {

[[nodiscard]] constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
[[nodiscard]] constexpr char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
[[nodiscard]] constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
[[nodiscard]] constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
[[nodiscard]] constexpr bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

[[nodiscard]] inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

[[nodiscard]] inline std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
}

// Letters and digits only, lower-cased: how header names and court codes are compared.
[[nodiscard]] inline std::string fold_key(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_alnum(c)) out.push_back(ascii_lower(c));
  }
  return out;
}

// Does a token (letters, digits, inner hyphens or periods) look like a court docket
// number? Shapes accepted, by groups of letters (A) and digits (D), separators optional:
//   D{2,4} A{1,4} D{4,8}        26-CR-012345, 2026CR00123
//   A{1,4} D{2,4} D{3,8}        CR-26-012345 (digit groups separated)
//   A{1,4} D{5,10}              FVI1234567, CR123456
//   any of these + A{1,2}       26-CR-012345-A (a co-defendant suffix)
[[nodiscard]] inline bool looks_like_docket(std::string_view token) {
  if (token.size() < 6 || token.size() > 32) return false;
  struct Group {
    bool digits;
    std::size_t len;
  };
  std::vector<Group> g;
  const auto is_sep = [](char c) { return c == '-' || c == '.' || c == '/'; };
  std::size_t i = 0;
  while (i < token.size()) {
    if (is_sep(token[i])) {
      // No leading, trailing or doubled separators.
      if (i == 0 || i + 1 == token.size() || is_sep(token[i - 1])) return false;
      ++i;
      continue;
    }
    if (!is_alnum(token[i])) return false;
    const bool d = is_digit(token[i]);
    std::size_t j = i;
    while (j < token.size() && is_alnum(token[j]) && is_digit(token[j]) == d) ++j;
    g.push_back({d, j - i});
    i = j;
  }
  // An optional trailing letter suffix of one or two letters after a digit group.
  if (g.size() >= 3 && !g.back().digits && g.back().len <= 2 && g[g.size() - 2].digits) g.pop_back();
  auto in = [](std::size_t v, std::size_t lo, std::size_t hi) { return v >= lo && v <= hi; };
  if (g.size() == 3 && g[0].digits && !g[1].digits && g[2].digits) {
    return in(g[0].len, 2, 4) && in(g[1].len, 1, 4) && in(g[2].len, 4, 8);
  }
  if (g.size() == 3 && !g[0].digits && g[1].digits && g[2].digits) {
    return in(g[0].len, 1, 4) && in(g[1].len, 2, 4) && in(g[2].len, 3, 8);
  }
  if (g.size() == 2 && !g[0].digits && g[1].digits) {
    return in(g[0].len, 1, 4) && in(g[1].len, 5, 10);
  }
  return false;
}

}  // namespace detail

// Dockets match cases after normalization (API.md): letters and digits only, upper-case.
// "26-CR-012345", "26cr012345" and "26 CR 012345" all give "26CR012345". Bytes outside
// ASCII letters and digits are dropped.
[[nodiscard]] inline std::string normalize_docket(std::string_view docket) {
  std::string out;
  out.reserve(docket.size());
  for (char c : docket) {
    if (detail::is_alnum(c)) out.push_back(detail::ascii_upper(c));
  }
  return out;
}

// The first docket-looking token of free text ("Prelim - People v. Doe, 26-CR-012345"),
// as written (trailing punctuation dropped); empty when there is none.
[[nodiscard]] inline std::string find_docket_in_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !detail::is_alnum(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && (detail::is_alnum(text[j]) || text[j] == '-' || text[j] == '.' || text[j] == '/')) ++j;
    std::string_view token = text.substr(i, j - i);
    while (!token.empty() && !detail::is_alnum(token.back())) token.remove_suffix(1);
    if (detail::looks_like_docket(token)) return std::string(token);
    i = j;
  }
  return {};
}

// A hearing kind from the court's wording, case-insensitive: "Preliminary Hearing",
// "Prelim" → preliminary_hearing; "Arraignment" → arraignment; "Readiness Conference",
// "Pretrial Conference", "Trial Readiness", "Trial Setting Conference" → readiness;
// "Sentencing", "Judgment and Sentencing" → sentencing; "Restitution Hearing" →
// restitution; "Motion to Suppress" → motion; "Jury Trial", "Court Trial" → trial; a few
// calendar codes (ARR, PX, PH, RC, PTC, JT, SENT, JS, REST, MOT) by themselves; else other.
// Keywords are tried in that order, so "Motion to Continue Trial" is a motion.
[[nodiscard]] inline HearingKind hearing_kind_from_text(std::string_view text) {
  const std::string code = detail::fold_key(text);
  struct Code {
    std::string_view code;
    HearingKind kind;
  };
  constexpr std::array kCodes{
      Code{"arr", HearingKind::arraignment},          Code{"arrn", HearingKind::arraignment},
      Code{"px", HearingKind::preliminary_hearing},   Code{"ph", HearingKind::preliminary_hearing},
      Code{"rc", HearingKind::readiness},             Code{"ptc", HearingKind::readiness},
      Code{"trc", HearingKind::readiness},            Code{"jt", HearingKind::trial},
      Code{"ct", HearingKind::trial},                 Code{"sent", HearingKind::sentencing},
      Code{"js", HearingKind::sentencing},            Code{"rest", HearingKind::restitution},
      Code{"mot", HearingKind::motion},
  };
  for (const auto& c : kCodes) {
    if (code == c.code) return c.kind;
  }
  const std::string t = detail::lower(text);
  auto has = [&t](std::string_view w) { return t.find(w) != std::string::npos; };
  if (has("prelim")) return HearingKind::preliminary_hearing;
  if (has("arraign")) return HearingKind::arraignment;
  if (has("readiness") || has("pretrial") || has("pre-trial") || has("pre trial") || has("trial setting")) {
    return HearingKind::readiness;
  }
  if (has("sentenc")) return HearingKind::sentencing;
  if (has("restitution")) return HearingKind::restitution;
  if (has("motion")) return HearingKind::motion;
  if (has("trial")) return HearingKind::trial;
  return HearingKind::other;
}

// A court's status wording. Cancel(l)ed, Vacated, Off Calendar (OTC), Dropped, Stricken,
// Withdrawn → cancelled; Held, Heard, Completed, Concluded → held (it took place); anything
// else → scheduled. `plain` is true for wording that says no more than "scheduled" (empty,
// Scheduled, Set, Active, Calendared, Confirmed, Open, New); other wording ("Continued",
// "Heard and submitted") is worth keeping as the record's note.
struct StatusReading {
  HearingStatus status = HearingStatus::scheduled;
  bool plain = true;
};

[[nodiscard]] inline StatusReading hearing_status_from_text(std::string_view text) {
  const std::string k = detail::fold_key(text);
  auto starts = [&k](std::string_view p) { return k.rfind(p, 0) == 0; };
  if (starts("cancel") || starts("vacat") || starts("offcalendar") || k == "otc" || starts("drop") ||
      starts("stricken") || starts("withdrawn")) {
    return {HearingStatus::cancelled, false};
  }
  // Not "Held over" (put off to a later day) or "Held to answer" (a holding order, not a status).
  if (k == "held" || starts("heard") || starts("complete") || starts("concluded")) return {HearingStatus::held, false};
  constexpr std::array<std::string_view, 8> kPlain{"", "scheduled", "set", "active", "calendared", "confirmed", "open",
                                                   "new"};
  for (std::string_view p : kPlain) {
    if (k == p) return {HearingStatus::scheduled, true};
  }
  return {HearingStatus::scheduled, false};
}

// A wall-clock time in `zone` to UTC, by RFC 5545 3.3.5: a time that occurs twice (the
// autumn change) is the first occurrence; a time that does not occur (the spring gap) is
// read with the offset in force before the gap (02:30 PST on the spring-forward day is
// 10:30Z, i.e. 03:30 PDT).
[[nodiscard]] inline std::chrono::sys_seconds local_to_utc(const date::time_zone& zone, date::local_seconds local) {
  const date::local_info info = zone.get_info(local);
  return std::chrono::sys_seconds{local.time_since_epoch() - info.first.offset};
}

}  // namespace heat::adapters
