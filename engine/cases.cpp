#include "engine/cases.hpp"

#include <boost/json.hpp>
#include <date/date.h>

#include <cctype>
#include <sstream>

namespace heat {
namespace {

namespace json = boost::json;

bool digits(std::string_view s, std::size_t from, std::size_t n) {
  if (from + n > s.size()) return false;
  for (std::size_t i = from; i < from + n; ++i)
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  return true;
}

int number(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

json::value date_or_null(const std::optional<std::chrono::sys_days>& d) {
  return d ? json::value(format_date(*d)) : json::value(nullptr);
}

Result<std::optional<std::chrono::sys_days>> optional_date(const json::object& o, const char* name) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) return std::optional<std::chrono::sys_days>();
  if (!it->value().is_string()) return Error::invalid(name, "must be a date");
  auto d = parse_date(std::string_view(it->value().as_string()), name);
  if (!d) return d.error();
  return std::optional<std::chrono::sys_days>(*d);
}

}  // namespace

Result<std::chrono::sys_days> parse_date(std::string_view s, const std::string& field) {
  if (s.size() != 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2))
    return Error::invalid(field, "must be a date YYYY-MM-DD");
  const date::year_month_day ymd{date::year{number(s, 0, 4)}, date::month{static_cast<unsigned>(number(s, 5, 2))},
                                 date::day{static_cast<unsigned>(number(s, 8, 2))}};
  if (!ymd.ok()) return Error::invalid(field, "is not a calendar date");
  return std::chrono::sys_days(date::sys_days(ymd).time_since_epoch());
}

std::string format_date(std::chrono::sys_days d) {
  return date::format("%F", date::sys_days(d.time_since_epoch()));
}

Result<TimePoint> parse_rfc3339(std::string_view s, const std::string& field) {
  const Error bad = Error::invalid(field, "must be an RFC 3339 timestamp with offset (2026-03-02T09:30:00-08:00)");
  if (s.size() < 20 || s.size() > 40) return bad;
  auto day = parse_date(s.substr(0, 10), field);
  if (!day) return bad;
  if ((s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' ||
      !digits(s, 17, 2))
    return bad;
  const int hh = number(s, 11, 2), mm = number(s, 14, 2), ss = number(s, 17, 2);
  if (hh > 23 || mm > 59 || ss > 59) return bad;  // no leap seconds in court records
  std::size_t i = 19;
  long long micros = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    int used = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
      if (used < 6) {
        micros = micros * 10 + (s[i] - '0');
        ++used;
      }
      ++i;
    }
    if (i == start) return bad;
    for (; used < 6; ++used) micros *= 10;
  }
  if (i >= s.size()) return bad;
  long long offset_minutes = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    const int sign = s[i] == '-' ? -1 : 1;
    if (!digits(s, i + 1, 2) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2)) return bad;
    const int oh = number(s, i + 1, 2), om = number(s, i + 4, 2);
    if (oh > 23 || om > 59) return bad;
    offset_minutes = sign * (oh * 60 + om);
    i += 6;
  } else {
    return bad;
  }
  if (i != s.size()) return bad;
  using namespace std::chrono;
  const auto local = time_point_cast<microseconds>(*day) + hours(hh) + minutes(mm) + seconds(ss) + microseconds(micros);
  return TimePoint(local - minutes(offset_minutes));
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return false;
    }
  }
  return true;
}

std::string normalize_docket(std::string_view docket) {
  std::string out;
  for (unsigned char c : docket) {
    if (std::isalnum(c) != 0 && c < 0x80) out += static_cast<char>(std::toupper(c));
  }
  return out;
}

RecordContext Case::context() const {
  RecordContext r;
  r.unit = unit;
  r.lead_dda_id = lead_dda_id;
  r.assigned_dda_ids = assigned_dda_ids;
  return r;
}

std::string charge_to_json_text(const Charge& c) {
  json::array enh;
  for (const auto& e : c.enhancements) enh.emplace_back(e);
  json::value sentence = nullptr;
  if (c.sentence) {
    boost::system::error_code ec;
    sentence = json::parse(*c.sentence, ec);
    if (ec) sentence = json::value(*c.sentence);
  }
  return json::serialize(json::object{{"id", c.id},
                                      {"statute", c.statute},
                                      {"count", c.count},
                                      {"enhancements", std::move(enh)},
                                      {"filed_on", date_or_null(c.filed_on)},
                                      {"offense_date", date_or_null(c.offense_date)},
                                      {"disposition", to_string(c.disposition)},
                                      {"disposition_date", date_or_null(c.disposition_date)},
                                      {"sentence", std::move(sentence)}});
}

Result<Charge> charge_from_json_text(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error::invalid("charge", "not a charge object");
  const json::object& o = v.as_object();
  Charge c;
  try {
    c.id = std::string(o.at("id").as_string());
    c.statute = std::string(o.at("statute").as_string());
    c.count = static_cast<int>(o.at("count").to_number<long long>());
    for (const auto& e : o.at("enhancements").as_array()) c.enhancements.emplace_back(e.as_string());
    auto disposition = parse_disposition(std::string_view(o.at("disposition").as_string()));
    if (!disposition) return disposition.error();
    c.disposition = *disposition;
  } catch (const std::exception&) {
    return Error::invalid("charge", "not a charge object");
  }
  for (auto [name, member] : {std::pair{"filed_on", &c.filed_on}, std::pair{"offense_date", &c.offense_date},
                              std::pair{"disposition_date", &c.disposition_date}}) {
    auto d = optional_date(o, name);
    if (!d) return d.error();
    *member = *d;
  }
  if (auto it = o.find("sentence"); it != o.end() && !it->value().is_null())
    c.sentence = json::serialize(it->value());
  return c;
}

}  // namespace heat
