// CSV court calendars: an RFC 4180 reader written out by hand (a small state machine, no
// allocation beyond the fields), then a mapping from header names to record fields.
#include "adapters/csv_parser.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <utility>

namespace heat::adapters {
namespace {

using detail::fold_key;
using detail::is_digit;
using detail::trim;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A value quoted into a reason, kept short: reasons go into import reports.
std::string quoted(std::string_view v) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  if (v.size() > kMax) {
    out.append(v.substr(0, kMax));
    out += "...";
  } else {
    out.append(v);
  }
  out += "'";
  return out;
}

// Digits only, as an int; nullopt for an empty or non-digit string or more than 4 digits.
std::optional<int> small_number(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

enum class Field { docket, hearing_type, date, time, department, judge, hearing_id, status, cancel_reason };
constexpr std::size_t kFieldCount = 9;

struct FieldSpec {
  Field field;
  std::string_view name;                   // the mapping key, for error fields
  std::string FeedMapping::*mapped;        // the feed's own header, if given
  std::array<std::string_view, 8> defaults;  // folded header names, in preference order
};

const std::array<FieldSpec, kFieldCount>& field_specs() {
  static const std::array<FieldSpec, kFieldCount> specs{{
      {Field::docket, "docket", &FeedMapping::docket,
       {"casenumber", "caseno", "casenum", "docket", "docketnumber", "docketno", "courtcasenumber", "case"}},
      {Field::hearing_type, "hearing_type", &FeedMapping::hearing_type,
       {"hearingtype", "hearingkind", "eventtype", "hearing", "event", "proceeding", "appearancetype", "type"}},
      {Field::date, "date", &FeedMapping::date,
       {"hearingdate", "courtdate", "eventdate", "calendardate", "appearancedate", "date", {}, {}}},
      {Field::time, "time", &FeedMapping::time,
       {"hearingtime", "courttime", "eventtime", "starttime", "calendartime", "time", {}, {}}},
      {Field::department, "department", &FeedMapping::department,
       {"department", "dept", "courtroom", "room", {}, {}, {}, {}}},
      {Field::judge, "judge", &FeedMapping::judge, {"judge", "judicialofficer", "judgename", {}, {}, {}, {}, {}}},
      {Field::hearing_id, "hearing_id", &FeedMapping::hearing_id,
       {"hearingid", "eventid", "hearingno", "appearanceid", {}, {}, {}, {}}},
      {Field::status, "status", &FeedMapping::status, {"status", "hearingstatus", "eventstatus", {}, {}, {}, {}, {}}},
      {Field::cancel_reason, "cancel_reason", &FeedMapping::cancel_reason,
       {"cancelreason", "cancellationreason", "statusreason", "reason", {}, {}, {}, {}}},
  }};
  return specs;
}

// Splits "4/19/2019 1:30 PM" or "2019-04-19T13:30" into its date and time parts.
std::pair<std::string_view, std::string_view> split_date_time(std::string_view cell) {
  cell = trim(cell);
  std::size_t cut = cell.find(' ');
  // An ISO "T" separator: only after a YYYY-MM-DD date.
  if (cut == std::string_view::npos && cell.size() > 10 && (cell[10] == 'T' || cell[10] == 't')) cut = 10;
  if (cut == std::string_view::npos) return {cell, {}};
  return {cell.substr(0, cut), trim(cell.substr(cut + 1))};
}

}  // namespace

std::vector<CsvRow> read_csv_rows(std::string_view in, char delimiter) {
  if (in.substr(0, kBom.size()) == kBom) in.remove_prefix(kBom.size());
  std::vector<CsvRow> rows;
  const std::size_t n = in.size();
  std::size_t i = 0;
  std::size_t line = 1;
  auto at_record_end = [&](std::size_t k) { return k >= n || in[k] == '\r' || in[k] == '\n'; };
  while (i < n) {
    CsvRow row;
    row.line = line;
    bool any_quoted = false;
    for (;;) {  // one field per pass
      std::string field;
      // Lenient: spaces before an opening quote.
      std::size_t k = i;
      while (k < n && (in[k] == ' ' || in[k] == '\t')) ++k;
      if (k < n && in[k] == '"') {
        any_quoted = true;
        const std::size_t opened_on = line;
        i = k + 1;
        bool closed = false;
        while (i < n) {
          const char c = in[i];
          if (c == '"') {
            if (i + 1 < n && in[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\r' || c == '\n') {  // a line break inside quotes is data
            ++line;
            field.push_back('\n');
            i += (c == '\r' && i + 1 < n && in[i + 1] == '\n') ? 2 : 1;
            continue;
          }
          field.push_back(c);
          ++i;
        }
        if (!closed && row.error.empty()) {
          row.error = "a quoted field opened on line " + std::to_string(opened_on) + " is never closed";
        }
        while (i < n && (in[i] == ' ' || in[i] == '\t')) ++i;
        if (i < n && in[i] != delimiter && !at_record_end(i)) {
          if (row.error.empty()) row.error = "text after the closing quote of field " + std::to_string(row.fields.size() + 1);
          while (i < n && in[i] != delimiter && !at_record_end(i)) field.push_back(in[i++]);
        }
      } else {
        while (i < n && in[i] != delimiter && !at_record_end(i)) field.push_back(in[i++]);
      }
      row.fields.push_back(std::move(field));
      if (i >= n) break;
      if (in[i] == delimiter) {
        ++i;
        if (i >= n) {  // a trailing delimiter ends with an empty field
          row.fields.emplace_back();
          break;
        }
        continue;
      }
      // A record break: CRLF, LF or a lone CR.
      i += (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n') ? 2 : 1;
      ++line;
      break;
    }
    const bool blank = row.fields.size() == 1 && !any_quoted && trim(row.fields[0]).empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<std::chrono::year_month_day> parse_court_date(std::string_view text) {
  text = trim(text);
  std::array<std::string_view, 3> parts;
  std::size_t count = 0;
  char sep = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/' || text[i] == '-') {
      if (i < text.size()) {
        if (sep != 0 && text[i] != sep) return std::nullopt;  // "4/19-2019"
        sep = text[i];
      }
      if (count == parts.size()) return std::nullopt;
      parts[count++] = text.substr(start, i - start);
      start = i + 1;
    }
  }
  if (count != 3) return std::nullopt;
  int y = 0;
  int m = 0;
  int d = 0;
  if (parts[0].size() == 4) {  // YYYY-MM-DD or YYYY/MM/DD
    if (parts[1].empty() || parts[1].size() > 2 || parts[2].empty() || parts[2].size() > 2) return std::nullopt;
    const auto yy = small_number(parts[0]), mm = small_number(parts[1]), dd = small_number(parts[2]);
    if (!yy || !mm || !dd) return std::nullopt;
    y = *yy, m = *mm, d = *dd;
  } else {  // M/D/YYYY, MM/DD/YYYY, M/D/YY
    if (parts[0].empty() || parts[0].size() > 2 || parts[1].empty() || parts[1].size() > 2) return std::nullopt;
    if (parts[2].size() != 4 && parts[2].size() != 2) return std::nullopt;
    const auto mm = small_number(parts[0]), dd = small_number(parts[1]), yy = small_number(parts[2]);
    if (!yy || !mm || !dd) return std::nullopt;
    y = parts[2].size() == 2 ? 2000 + *yy : *yy;
    m = *mm, d = *dd;
  }
  if (y < 1900) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::optional<std::chrono::seconds> parse_court_time(std::string_view text) {
  text = trim(text);
  std::size_t j = 0;
  while (j < text.size() && (is_digit(text[j]) || text[j] == ':')) ++j;
  const std::string_view clock = text.substr(0, j);
  std::string suffix;
  for (char c : text.substr(j)) {
    if (c == ' ' || c == '.') continue;
    suffix.push_back(detail::ascii_lower(c));
  }
  bool am = false;
  bool pm = false;
  if (suffix == "am" || suffix == "a") am = true;
  else if (suffix == "pm" || suffix == "p") pm = true;
  else if (!suffix.empty()) return std::nullopt;

  std::optional<int> h;
  std::optional<int> m;
  std::optional<int> s = 0;
  const std::size_t c1 = clock.find(':');
  if (c1 == std::string_view::npos) {
    if (clock.size() != 4) return std::nullopt;  // "0830"
    h = small_number(clock.substr(0, 2));
    m = small_number(clock.substr(2, 2));
  } else {
    const std::string_view hs = clock.substr(0, c1);
    const std::string_view rest = clock.substr(c1 + 1);
    const std::size_t c2 = rest.find(':');
    const std::string_view ms = rest.substr(0, c2);
    if (hs.empty() || hs.size() > 2 || ms.size() != 2) return std::nullopt;
    h = small_number(hs);
    m = small_number(ms);
    if (c2 != std::string_view::npos) {
      const std::string_view ss = rest.substr(c2 + 1);
      if (ss.size() != 2) return std::nullopt;
      s = small_number(ss);
    }
  }
  if (!h || !m || !s || *m > 59 || *s > 59) return std::nullopt;
  int hour = *h;
  if (am || pm) {
    if (hour < 1 || hour > 12) return std::nullopt;
    if (am && hour == 12) hour = 0;
    if (pm && hour != 12) hour += 12;
  } else if (hour > 23) {
    return std::nullopt;
  }
  return std::chrono::hours{hour} + std::chrono::minutes{*m} + std::chrono::seconds{*s};
}

Result<ParseResult> parse_csv(std::string_view bytes, const CsvOptions& options) {
  if (bytes.size() > options.max_bytes) {
    return Error::of(ErrorCode::payload_too_large,
                     "CSV file of " + std::to_string(bytes.size()) + " bytes exceeds the limit of " +
                         std::to_string(options.max_bytes));
  }
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(options.time_zone);
  } catch (const std::exception&) {
    return Error::invalid("time_zone", "unknown time zone " + quoted(options.time_zone));
  }

  std::vector<CsvRow> rows = read_csv_rows(bytes, options.delimiter);
  if (rows.empty()) return Error::invalid("file", "empty CSV file: no header row");
  const CsvRow& header = rows.front();
  if (!header.error.empty()) return Error::invalid("file", "header row: " + header.error);

  std::vector<std::string> header_keys;
  header_keys.reserve(header.fields.size());
  for (const auto& h : header.fields) header_keys.push_back(fold_key(h));

  // Column of each field.
  std::array<std::optional<std::size_t>, kFieldCount> column{};
  auto find_header = [&](std::string_view folded) -> std::optional<std::size_t> {
    if (folded.empty()) return std::nullopt;
    for (std::size_t c = 0; c < header_keys.size(); ++c) {
      if (header_keys[c] == folded) return c;
    }
    return std::nullopt;
  };
  for (const FieldSpec& spec : field_specs()) {
    const std::string& mapped = options.mapping.*(spec.mapped);
    auto& col = column[static_cast<std::size_t>(spec.field)];
    if (!mapped.empty()) {
      col = find_header(fold_key(mapped));
      if (!col) {
        return Error::invalid("mapping." + std::string(spec.name),
                              "no column " + quoted(mapped) + " in the header row");
      }
      continue;
    }
    for (std::string_view candidate : spec.defaults) {
      if ((col = find_header(candidate))) break;
    }
  }
  auto col_of = [&column](Field f) { return column[static_cast<std::size_t>(f)]; };
  if (!col_of(Field::date)) {
    return Error::invalid("file", "no hearing date column in the header row (looked for HearingDate, Court Date, "
                                  "Event Date, Date; set the feed's mapping.date)");
  }
  if (!col_of(Field::docket) && !col_of(Field::hearing_id)) {
    return Error::invalid("file", "no docket or hearing id column in the header row (looked for CaseNumber, "
                                  "Docket, HearingID; set the feed's mapping.docket)");
  }
  std::vector<bool> used(header.fields.size(), false);
  for (const auto& c : column) {
    if (c) used[*c] = true;
  }

  ParseResult out;
  std::map<std::string, std::size_t> first_line_of_id;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    auto reject = [&out, &row](std::string reason) {
      out.rejections.push_back(Rejection{row.line, std::nullopt, std::move(reason)});
    };
    if (!row.error.empty()) {
      reject(row.error);
      continue;
    }
    std::size_t extra = 0;
    for (std::size_t c = header.fields.size(); c < row.fields.size(); ++c) {
      if (!trim(row.fields[c]).empty()) ++extra;
    }
    if (extra > 0) {
      reject("row has " + std::to_string(row.fields.size()) + " fields but the header has " +
             std::to_string(header.fields.size()));
      continue;
    }
    auto cell = [&row](std::optional<std::size_t> c) -> std::string_view {
      if (!c || *c >= row.fields.size()) return {};
      return trim(row.fields[*c]);
    };

    HearingRecord rec;
    rec.line = row.line;
    rec.docket = std::string(cell(col_of(Field::docket)));
    rec.normalized_docket = normalize_docket(rec.docket);
    rec.source_uid = std::string(cell(col_of(Field::hearing_id)));
    if (rec.normalized_docket.empty() && rec.source_uid.empty()) {
      reject("no docket number and no hearing id");
      continue;
    }
    const auto [date_text, time_in_date] = split_date_time(cell(col_of(Field::date)));
    if (date_text.empty()) {
      reject("missing hearing date");
      continue;
    }
    const auto ymd = parse_court_date(date_text);
    if (!ymd) {
      reject("invalid hearing date " + quoted(date_text) + " (expected M/D/YYYY or YYYY-MM-DD)");
      continue;
    }
    std::string_view time_text = cell(col_of(Field::time));
    if (time_text.empty()) time_text = time_in_date;
    std::chrono::seconds time_of_day{0};
    if (time_text.empty()) {
      rec.all_day = true;
    } else {
      const auto t = parse_court_time(time_text);
      if (!t) {
        reject("invalid hearing time " + quoted(time_text) + " (expected 1:30 PM or 13:30)");
        continue;
      }
      time_of_day = *t;
    }
    const date::local_seconds local{std::chrono::local_days{*ymd}.time_since_epoch() + time_of_day};
    rec.starts_at = std::chrono::time_point_cast<std::chrono::microseconds>(local_to_utc(*zone, local));

    if (!rec.source_uid.empty()) {
      const auto [it, fresh] = first_line_of_id.emplace(rec.source_uid, row.line);
      if (!fresh) {
        reject("hearing id " + quoted(rec.source_uid) + " already given on line " + std::to_string(it->second));
        continue;
      }
    }

    rec.kind_text = std::string(cell(col_of(Field::hearing_type)));
    rec.kind = hearing_kind_from_text(rec.kind_text);
    rec.department = std::string(cell(col_of(Field::department)));
    rec.judge = std::string(cell(col_of(Field::judge)));
    const std::string_view status_text = cell(col_of(Field::status));
    const StatusReading st = hearing_status_from_text(status_text);
    rec.status = st.status;
    if (!st.plain) rec.note = std::string(status_text);
    rec.cancel_reason = std::string(cell(col_of(Field::cancel_reason)));
    for (std::size_t c = 0; c < header.fields.size() && c < row.fields.size(); ++c) {
      if (used[c]) continue;
      const std::string_view v = trim(row.fields[c]);
      if (v.empty()) continue;
      std::string name(trim(header.fields[c]));
      if (name.empty()) name = "column " + std::to_string(c + 1);
      rec.x_properties.emplace(std::move(name), std::string(v));
    }
    out.records.push_back(std::move(rec));
  }
  return out;
}

}  // namespace heat::adapters
