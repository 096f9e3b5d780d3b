// iCalendar court calendars. Three stages:
//  1. prepare(): our own pass over the bytes — BOM, line endings, unfolding, BEGIN/END
//     balance — so libical only ever sees well-nested, unfolded lines (it prints to
//     stderr on a stray END, and returns nothing for a truncated file);
//  2. libical parses the text into a component tree (freed by a unique_ptr);
//  3. each VEVENT becomes records: times through date/tz (libical's own zone code is used
//     only for a VTIMEZONE that names no IANA zone), recurrences expanded on the local
//     clock with libical's RRULE iterator, overrides and SEQUENCE applied.
#include "adapters/ical_parser.hpp"

#include <libical/ical.h>

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

namespace heat::adapters {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;
using date::local_seconds;
using detail::ascii_upper;
using detail::trim;

// Court hearings fall well inside these years; outside them a time is rejected, which
// also keeps every date computation far from overflow.
constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2400;
constexpr std::size_t kMaxDepth = 32;                 // nesting of BEGIN blocks
constexpr std::size_t kMaxRecurrenceSteps = 50'000;  // occurrences looked at per RRULE
constexpr long long kMaxSpanDays = 1000;              // longest DURATION or DTEND span

void init_libical() {
  static std::once_flag once;
  std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
struct IteratorFree {
  void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;
using IteratorPtr = std::unique_ptr<icalrecur_iterator, IteratorFree>;

// libical keeps short-lived strings in a per-thread ring; release it when a parse ends.
struct RingGuard {
  RingGuard() = default;
  RingGuard(const RingGuard&) = delete;
  RingGuard& operator=(const RingGuard&) = delete;
  ~RingGuard() { icalmemory_free_ring(); }
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_upper(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_upper(a[i]) != ascii_upper(b[i])) return false;
  }
  return true;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string quoted(std::string_view v) {
  constexpr std::size_t kMax = 60;
  std::string out = "'";
  out.append(v.substr(0, kMax));
  if (v.size() > kMax) out += "...";
  out += "'";
  return out;
}

// ---------------------------------------------------------------------------------------
// Time-zone names

struct ZoneAlias {
  std::string_view name;
  std::string_view iana;
};

// Windows zone ids to IANA (CLDR windowsZones.xml, territory 001).
constexpr std::array kWindowsZones{
    ZoneAlias{"Dateline Standard Time", "Etc/GMT+12"},
    ZoneAlias{"UTC-11", "Etc/GMT+11"},
    ZoneAlias{"Aleutian Standard Time", "America/Adak"},
    ZoneAlias{"Hawaiian Standard Time", "Pacific/Honolulu"},
    ZoneAlias{"Marquesas Standard Time", "Pacific/Marquesas"},
    ZoneAlias{"Alaskan Standard Time", "America/Anchorage"},
    ZoneAlias{"UTC-09", "Etc/GMT+9"},
    ZoneAlias{"Pacific Standard Time (Mexico)", "America/Tijuana"},
    ZoneAlias{"UTC-08", "Etc/GMT+8"},
    ZoneAlias{"Pacific Standard Time", "America/Los_Angeles"},
    ZoneAlias{"Pacific Daylight Time", "America/Los_Angeles"},
    ZoneAlias{"US Mountain Standard Time", "America/Phoenix"},
    ZoneAlias{"Mountain Standard Time (Mexico)", "America/Mazatlan"},
    ZoneAlias{"Mountain Standard Time", "America/Denver"},
    ZoneAlias{"Mountain Daylight Time", "America/Denver"},
    ZoneAlias{"Yukon Standard Time", "America/Whitehorse"},
    ZoneAlias{"Central America Standard Time", "America/Guatemala"},
    ZoneAlias{"Central Standard Time", "America/Chicago"},
    ZoneAlias{"Central Daylight Time", "America/Chicago"},
    ZoneAlias{"Easter Island Standard Time", "Pacific/Easter"},
    ZoneAlias{"Central Standard Time (Mexico)", "America/Mexico_City"},
    ZoneAlias{"Canada Central Standard Time", "America/Regina"},
    ZoneAlias{"SA Pacific Standard Time", "America/Bogota"},
    ZoneAlias{"Eastern Standard Time (Mexico)", "America/Cancun"},
    ZoneAlias{"Eastern Standard Time", "America/New_York"},
    ZoneAlias{"Eastern Daylight Time", "America/New_York"},
    ZoneAlias{"Haiti Standard Time", "America/Port-au-Prince"},
    ZoneAlias{"Cuba Standard Time", "America/Havana"},
    ZoneAlias{"US Eastern Standard Time", "America/Indiana/Indianapolis"},
    ZoneAlias{"Turks And Caicos Standard Time", "America/Grand_Turk"},
    ZoneAlias{"Paraguay Standard Time", "America/Asuncion"},
    ZoneAlias{"Atlantic Standard Time", "America/Halifax"},
    ZoneAlias{"Venezuela Standard Time", "America/Caracas"},
    ZoneAlias{"Central Brazilian Standard Time", "America/Cuiaba"},
    ZoneAlias{"SA Western Standard Time", "America/La_Paz"},
    ZoneAlias{"Pacific SA Standard Time", "America/Santiago"},
    ZoneAlias{"Newfoundland Standard Time", "America/St_Johns"},
    ZoneAlias{"Tocantins Standard Time", "America/Araguaina"},
    ZoneAlias{"E. South America Standard Time", "America/Sao_Paulo"},
    ZoneAlias{"SA Eastern Standard Time", "America/Cayenne"},
    ZoneAlias{"Argentina Standard Time", "America/Argentina/Buenos_Aires"},
    ZoneAlias{"Greenland Standard Time", "America/Nuuk"},
    ZoneAlias{"Montevideo Standard Time", "America/Montevideo"},
    ZoneAlias{"Magallanes Standard Time", "America/Punta_Arenas"},
    ZoneAlias{"Saint Pierre Standard Time", "America/Miquelon"},
    ZoneAlias{"Bahia Standard Time", "America/Bahia"},
    ZoneAlias{"UTC-02", "Etc/GMT+2"},
    ZoneAlias{"Azores Standard Time", "Atlantic/Azores"},
    ZoneAlias{"Cape Verde Standard Time", "Atlantic/Cape_Verde"},
    ZoneAlias{"UTC", "Etc/UTC"},
    ZoneAlias{"GMT Standard Time", "Europe/London"},
    ZoneAlias{"Greenwich Standard Time", "Atlantic/Reykjavik"},
    ZoneAlias{"Sao Tome Standard Time", "Africa/Sao_Tome"},
    ZoneAlias{"Morocco Standard Time", "Africa/Casablanca"},
    ZoneAlias{"W. Europe Standard Time", "Europe/Berlin"},
    ZoneAlias{"Central Europe Standard Time", "Europe/Budapest"},
    ZoneAlias{"Romance Standard Time", "Europe/Paris"},
    ZoneAlias{"Central European Standard Time", "Europe/Warsaw"},
    ZoneAlias{"W. Central Africa Standard Time", "Africa/Lagos"},
    ZoneAlias{"Jordan Standard Time", "Asia/Amman"},
    ZoneAlias{"GTB Standard Time", "Europe/Bucharest"},
    ZoneAlias{"Middle East Standard Time", "Asia/Beirut"},
    ZoneAlias{"Egypt Standard Time", "Africa/Cairo"},
    ZoneAlias{"E. Europe Standard Time", "Europe/Chisinau"},
    ZoneAlias{"Syria Standard Time", "Asia/Damascus"},
    ZoneAlias{"West Bank Standard Time", "Asia/Hebron"},
    ZoneAlias{"South Africa Standard Time", "Africa/Johannesburg"},
    ZoneAlias{"FLE Standard Time", "Europe/Kiev"},
    ZoneAlias{"Israel Standard Time", "Asia/Jerusalem"},
    ZoneAlias{"South Sudan Standard Time", "Africa/Juba"},
    ZoneAlias{"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    ZoneAlias{"Sudan Standard Time", "Africa/Khartoum"},
    ZoneAlias{"Libya Standard Time", "Africa/Tripoli"},
    ZoneAlias{"Namibia Standard Time", "Africa/Windhoek"},
    ZoneAlias{"Arabic Standard Time", "Asia/Baghdad"},
    ZoneAlias{"Turkey Standard Time", "Europe/Istanbul"},
    ZoneAlias{"Arab Standard Time", "Asia/Riyadh"},
    ZoneAlias{"Belarus Standard Time", "Europe/Minsk"},
    ZoneAlias{"Russian Standard Time", "Europe/Moscow"},
    ZoneAlias{"E. Africa Standard Time", "Africa/Nairobi"},
    ZoneAlias{"Volgograd Standard Time", "Europe/Volgograd"},
    ZoneAlias{"Iran Standard Time", "Asia/Tehran"},
    ZoneAlias{"Arabian Standard Time", "Asia/Dubai"},
    ZoneAlias{"Astrakhan Standard Time", "Europe/Astrakhan"},
    ZoneAlias{"Azerbaijan Standard Time", "Asia/Baku"},
    ZoneAlias{"Russia Time Zone 3", "Europe/Samara"},
    ZoneAlias{"Mauritius Standard Time", "Indian/Mauritius"},
    ZoneAlias{"Saratov Standard Time", "Europe/Saratov"},
    ZoneAlias{"Georgian Standard Time", "Asia/Tbilisi"},
    ZoneAlias{"Caucasus Standard Time", "Asia/Yerevan"},
    ZoneAlias{"Afghanistan Standard Time", "Asia/Kabul"},
    ZoneAlias{"West Asia Standard Time", "Asia/Tashkent"},
    ZoneAlias{"Ekaterinburg Standard Time", "Asia/Yekaterinburg"},
    ZoneAlias{"Pakistan Standard Time", "Asia/Karachi"},
    ZoneAlias{"Qyzylorda Standard Time", "Asia/Qyzylorda"},
    ZoneAlias{"India Standard Time", "Asia/Kolkata"},
    ZoneAlias{"Sri Lanka Standard Time", "Asia/Colombo"},
    ZoneAlias{"Nepal Standard Time", "Asia/Kathmandu"},
    ZoneAlias{"Central Asia Standard Time", "Asia/Almaty"},
    ZoneAlias{"Bangladesh Standard Time", "Asia/Dhaka"},
    ZoneAlias{"Omsk Standard Time", "Asia/Omsk"},
    ZoneAlias{"Myanmar Standard Time", "Asia/Yangon"},
    ZoneAlias{"SE Asia Standard Time", "Asia/Bangkok"},
    ZoneAlias{"Altai Standard Time", "Asia/Barnaul"},
    ZoneAlias{"W. Mongolia Standard Time", "Asia/Hovd"},
    ZoneAlias{"North Asia Standard Time", "Asia/Krasnoyarsk"},
    ZoneAlias{"N. Central Asia Standard Time", "Asia/Novosibirsk"},
    ZoneAlias{"Tomsk Standard Time", "Asia/Tomsk"},
    ZoneAlias{"China Standard Time", "Asia/Shanghai"},
    ZoneAlias{"North Asia East Standard Time", "Asia/Irkutsk"},
    ZoneAlias{"Singapore Standard Time", "Asia/Singapore"},
    ZoneAlias{"W. Australia Standard Time", "Australia/Perth"},
    ZoneAlias{"Taipei Standard Time", "Asia/Taipei"},
    ZoneAlias{"Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"},
    ZoneAlias{"Aus Central W. Standard Time", "Australia/Eucla"},
    ZoneAlias{"Transbaikal Standard Time", "Asia/Chita"},
    ZoneAlias{"Tokyo Standard Time", "Asia/Tokyo"},
    ZoneAlias{"North Korea Standard Time", "Asia/Pyongyang"},
    ZoneAlias{"Korea Standard Time", "Asia/Seoul"},
    ZoneAlias{"Yakutsk Standard Time", "Asia/Yakutsk"},
    ZoneAlias{"Cen. Australia Standard Time", "Australia/Adelaide"},
    ZoneAlias{"AUS Central Standard Time", "Australia/Darwin"},
    ZoneAlias{"E. Australia Standard Time", "Australia/Brisbane"},
    ZoneAlias{"AUS Eastern Standard Time", "Australia/Sydney"},
    ZoneAlias{"West Pacific Standard Time", "Pacific/Port_Moresby"},
    ZoneAlias{"Tasmania Standard Time", "Australia/Hobart"},
    ZoneAlias{"Vladivostok Standard Time", "Asia/Vladivostok"},
    ZoneAlias{"Lord Howe Standard Time", "Australia/Lord_Howe"},
    ZoneAlias{"Bougainville Standard Time", "Pacific/Bougainville"},
    ZoneAlias{"Russia Time Zone 10", "Asia/Srednekolymsk"},
    ZoneAlias{"Magadan Standard Time", "Asia/Magadan"},
    ZoneAlias{"Norfolk Standard Time", "Pacific/Norfolk"},
    ZoneAlias{"Sakhalin Standard Time", "Asia/Sakhalin"},
    ZoneAlias{"Central Pacific Standard Time", "Pacific/Guadalcanal"},
    ZoneAlias{"Russia Time Zone 11", "Asia/Kamchatka"},
    ZoneAlias{"New Zealand Standard Time", "Pacific/Auckland"},
    ZoneAlias{"UTC+12", "Etc/GMT-12"},
    ZoneAlias{"Fiji Standard Time", "Pacific/Fiji"},
    ZoneAlias{"Chatham Islands Standard Time", "Pacific/Chatham"},
    ZoneAlias{"UTC+13", "Etc/GMT-13"},
    ZoneAlias{"Tonga Standard Time", "Pacific/Tongatapu"},
    ZoneAlias{"Samoa Standard Time", "Pacific/Apia"},
    ZoneAlias{"Line Islands Standard Time", "Pacific/Kiritimati"},
};

// Outlook display names, after their "(UTC-08:00) " prefix.
constexpr std::array kDisplayNames{
    ZoneAlias{"Pacific Time (US & Canada)", "America/Los_Angeles"},
    ZoneAlias{"Mountain Time (US & Canada)", "America/Denver"},
    ZoneAlias{"Central Time (US & Canada)", "America/Chicago"},
    ZoneAlias{"Eastern Time (US & Canada)", "America/New_York"},
    ZoneAlias{"Arizona", "America/Phoenix"},
    ZoneAlias{"Alaska", "America/Anchorage"},
    ZoneAlias{"Hawaii", "Pacific/Honolulu"},
    ZoneAlias{"Atlantic Time (Canada)", "America/Halifax"},
    ZoneAlias{"Baja California", "America/Tijuana"},
    ZoneAlias{"Tijuana, Baja California", "America/Tijuana"},
    ZoneAlias{"Brasilia", "America/Sao_Paulo"},
    ZoneAlias{"Coordinated Universal Time", "Etc/UTC"},
    ZoneAlias{"Dublin, Edinburgh, Lisbon, London", "Europe/London"},
    ZoneAlias{"Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"},
    ZoneAlias{"Brussels, Copenhagen, Madrid, Paris", "Europe/Paris"},
};

const date::time_zone* locate(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

const date::time_zone* locate_alias(std::string_view name, const auto& table) {
  for (const ZoneAlias& a : table) {
    if (iequals(a.name, name)) return locate(a.iana);
  }
  return nullptr;
}

const date::time_zone* find_iana_zone(std::string_view tzid) {
  std::string_view t = trim(tzid);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = trim(t.substr(1, t.size() - 2));
  if (t.empty() || t.size() > 128) return nullptr;
  if (const auto* z = locate(t)) return z;
  if (const auto* z = locate_alias(t, kWindowsZones)) return z;
  if (istarts_with(t, "(UTC") || istarts_with(t, "(GMT")) {
    const std::size_t close = t.find(')');
    if (close != std::string_view::npos) {
      if (const auto* z = locate_alias(trim(t.substr(close + 1)), kDisplayNames)) return z;
    }
  }
  std::string underscored(t);
  std::replace(underscored.begin(), underscored.end(), ' ', '_');
  if (const auto* z = locate(underscored)) return z;
  // A vendor prefix: "/mozilla.org/20070129_1/America/New_York", "posix/Europe/Vaduz".
  for (std::size_t slash = underscored.find('/'); slash != std::string::npos;
       slash = underscored.find('/', slash + 1)) {
    const std::string_view rest = std::string_view(underscored).substr(slash + 1);
    if (rest.find('/') == std::string_view::npos && rest != "UTC" && rest != "GMT") continue;  // want Area/City
    if (const auto* z = locate(rest)) return z;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Stage 1: our own line pass

struct Prepared {
  std::string text;
  std::vector<Rejection> rejections;
};

Result<Prepared> prepare(std::string_view in) {
  if (in.size() >= 2 && ((in[0] == '\xFF' && in[1] == '\xFE') || (in[0] == '\xFE' && in[1] == '\xFF'))) {
    return Error::invalid("file", "UTF-16 text: export the calendar as UTF-8");
  }
  if (in.substr(0, 3) == "\xEF\xBB\xBF") in.remove_prefix(3);
  if (in.find('\0') != std::string_view::npos) {
    return Error::invalid("file", "NUL bytes in the file: not an iCalendar text file");
  }

  // Physical lines to logical (unfolded) lines, each with the number of its first line.
  struct Logical {
    std::size_t line;
    std::string text;
  };
  std::vector<Logical> lines;
  std::size_t pos = 0;
  std::size_t line_no = 1;
  while (pos < in.size()) {
    std::size_t end = pos;
    while (end < in.size() && in[end] != '\r' && in[end] != '\n') ++end;
    const std::string_view content = in.substr(pos, end - pos);
    if (end < in.size()) end += (in[end] == '\r' && end + 1 < in.size() && in[end + 1] == '\n') ? 2 : 1;
    pos = end;
    if (!content.empty() && (content[0] == ' ' || content[0] == '\t') && !lines.empty()) {
      lines.back().text.append(content.substr(1));
    } else if (!trim(content).empty()) {
      lines.push_back({line_no, std::string(content)});
    }
    ++line_no;
  }

  Prepared out;
  out.text.reserve(in.size() + 64);
  struct Open {
    std::string name;
    std::size_t line;
  };
  std::vector<Open> stack;
  for (const Logical& l : lines) {
    const std::string_view t = l.text;
    // libical takes the name up to the first ';' or ':' (trailing blanks dropped) and
    // acts on BEGIN and END whatever follows: every such line is rewritten or dropped here,
    // so libical never sees a BEGIN/END this pass did not balance.
    const std::size_t colon = t.find(':');
    const std::string_view name = trim(t.substr(0, std::min(colon, t.find(';'))));
    const bool begin = iequals(name, "BEGIN");
    const bool end = iequals(name, "END");
    const std::string comp_name =
        colon == std::string_view::npos ? std::string{} : upper(trim(t.substr(colon + 1)));
    if ((begin || end) && comp_name.empty()) {
      out.rejections.push_back({l.line, std::nullopt, std::string(begin ? "BEGIN" : "END") +
                                                          " without a component name; line ignored"});
      continue;
    }
    if (begin) {
      if (stack.size() >= kMaxDepth) {
        return Error::invalid("file", "components nested more than " + std::to_string(kMaxDepth) + " deep (line " +
                                          std::to_string(l.line) + ")");
      }
      out.text += "BEGIN:" + comp_name + "\n";
      stack.push_back({comp_name, l.line});
      continue;
    }
    if (end) {
      const std::string& comp = comp_name;
      std::size_t k = stack.size();
      while (k > 0 && stack[k - 1].name != comp) --k;
      if (k == 0) {
        out.rejections.push_back({l.line, std::nullopt, "END:" + comp + " without a matching BEGIN; line ignored"});
        continue;
      }
      while (stack.size() > k) {  // close what this END leaves open
        const Open& inner = stack.back();
        out.rejections.push_back({inner.line, std::nullopt,
                                  "BEGIN:" + inner.name + " has no END before END:" + comp + " on line " +
                                      std::to_string(l.line) + "; closed there"});
        out.text += "END:" + inner.name + "\n";
        stack.pop_back();
      }
      out.text += "END:" + comp + "\n";
      stack.pop_back();
      continue;
    }
    if (stack.empty()) continue;  // text outside any component
    out.text.append(t);
    out.text += '\n';
  }
  if (!stack.empty()) {
    // A truncated download must not look like a shorter calendar: a full-snapshot import
    // would cancel every hearing that was cut off.
    return Error::invalid("file", "truncated: BEGIN:" + stack.front().name + " on line " +
                                      std::to_string(stack.front().line) + " has no END:" + stack.front().name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Times

bool valid_fields(const icaltimetype& t) {
  if (t.year < kMinYear || t.year > kMaxYear) return false;
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31) return false;
  const date::year_month_day ymd{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                                 date::day{static_cast<unsigned>(t.day)}};
  if (!ymd.ok()) return false;
  if (t.is_date) return true;
  return t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 && t.second >= 0 && t.second <= 60;
}

// Precondition: valid_fields(t).
local_seconds local_of(const icaltimetype& t) {
  const date::local_days d{date::year{t.year} / date::month{static_cast<unsigned>(t.month)} /
                           date::day{static_cast<unsigned>(t.day)}};
  if (t.is_date) return local_seconds{d};
  return local_seconds{d} + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
         seconds{std::min(t.second, 59)};
}

bool in_range(local_seconds l) {
  static const local_seconds lo{date::local_days{date::year{kMinYear} / 1 / 1}};
  static const local_seconds hi{date::local_days{date::year{kMaxYear} / 12 / 31}};
  return l >= lo && l <= hi;
}

// Precondition: in_range(l).
icaltimetype fields_of(local_seconds l, bool is_date) {
  const auto d = date::floor<date::days>(l);
  const date::year_month_day ymd{d};
  const long long s = (l - d).count();
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t.is_date = is_date ? 1 : 0;
  if (!is_date) {
    t.hour = static_cast<int>(s / 3600);
    t.minute = static_cast<int>(s / 60 % 60);
    t.second = static_cast<int>(s % 60);
  }
  t.zone = nullptr;
  return t;
}

// A zone a local time is read in: UTC, an IANA zone (date/tz), or a VTIMEZONE that names
// no IANA zone (libical reads its rules; the zone belongs to the parsed tree).
class Zone {
 public:
  static Zone utc() { return Zone{}; }
  static Zone iana(const date::time_zone* z) {
    Zone r;
    r.iana_ = z;
    return r;
  }
  static Zone vtimezone(icaltimezone* z) {
    Zone r;
    r.vtz_ = z;
    return r;
  }

  // Precondition: in_range(l).
  [[nodiscard]] sys_seconds to_utc(local_seconds l) const {
    if (iana_ != nullptr) return local_to_utc(*iana_, l);
    if (vtz_ != nullptr) {
      icaltimetype tt = fields_of(l, false);
      int is_daylight = 0;
      const int offset = icaltimezone_get_utc_offset(vtz_, &tt, &is_daylight);
      return sys_seconds{l.time_since_epoch() - seconds{offset}};
    }
    return sys_seconds{l.time_since_epoch()};
  }

  // Precondition: in_range(local_seconds{s.time_since_epoch()}).
  [[nodiscard]] local_seconds to_local(sys_seconds s) const {
    if (iana_ != nullptr) return iana_->to_local(s);
    if (vtz_ != nullptr) {
      icaltimetype tt = fields_of(local_seconds{s.time_since_epoch()}, false);
      tt.zone = icaltimezone_get_utc_timezone();
      int is_daylight = 0;
      const int offset = icaltimezone_get_utc_offset_of_utc_time(vtz_, &tt, &is_daylight);
      return local_seconds{s.time_since_epoch() + seconds{offset}};
    }
    return local_seconds{s.time_since_epoch()};
  }

 private:
  const date::time_zone* iana_ = nullptr;
  icaltimezone* vtz_ = nullptr;
};

// A DATE or DATE-TIME property value with its TZID parameter.
struct TimeValue {
  icaltimetype t = icaltime_null_time();
  std::string tzid;
};

std::string tzid_of(icalproperty* p) {
  if (icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)) {
    if (const char* s = icalparameter_get_tzid(tz)) return s;
  }
  return {};
}

std::optional<TimeValue> time_value(icalproperty* p) {
  const icalvalue* v = icalproperty_get_value(p);
  if (v == nullptr) return std::nullopt;
  TimeValue tv;
  switch (icalvalue_isa(v)) {
    case ICAL_DATETIME_VALUE: tv.t = icalvalue_get_datetime(v); break;
    case ICAL_DATE_VALUE: tv.t = icalvalue_get_date(v); break;
    default: return std::nullopt;
  }
  if (icaltime_is_null_time(tv.t)) return std::nullopt;
  tv.tzid = tzid_of(p);
  return tv;
}

struct Resolved {
  sys_seconds utc{};
  local_seconds local{};
  Zone zone;
  bool is_date = false;
};

TimePoint micros(sys_seconds s) { return std::chrono::time_point_cast<std::chrono::microseconds>(s); }

// ---------------------------------------------------------------------------------------
// Properties

std::vector<icalproperty*> properties(icalcomponent* c, icalproperty_kind kind) {
  std::vector<icalproperty*> out;
  for (icalproperty* p = icalcomponent_get_first_property(c, kind); p != nullptr;
       p = icalcomponent_get_next_property(c, kind)) {
    out.push_back(p);
  }
  return out;
}

std::vector<icalcomponent*> children(icalcomponent* c, icalcomponent_kind kind) {
  std::vector<icalcomponent*> out;
  for (icalcomponent* k = icalcomponent_get_first_component(c, kind); k != nullptr;
       k = icalcomponent_get_next_component(c, kind)) {
    out.push_back(k);
  }
  return out;
}

std::string property_name(icalproperty* p) {
  if (icalproperty_isa(p) == ICAL_X_PROPERTY) {
    const char* n = icalproperty_get_x_name(p);
    return n != nullptr ? n : "";
  }
  const char* n = icalproperty_get_property_name(p);
  return n != nullptr ? n : "";
}

// A property's value as text, TEXT unescaped.
std::string property_text(icalproperty* p) {
  const icalvalue* v = icalproperty_get_value(p);
  if (v == nullptr) return {};
  const char* s = nullptr;
  switch (icalvalue_isa(v)) {
    case ICAL_TEXT_VALUE: s = icalvalue_get_text(v); break;
    case ICAL_X_VALUE: s = icalvalue_get_x(v); break;
    default: s = icalvalue_as_ical_string(v); break;
  }
  return s != nullptr ? s : "";
}

struct Props {
  std::vector<std::pair<std::string, icalproperty*>> all;  // name (as written), property

  explicit Props(icalcomponent* c) {
    for (icalproperty* p : properties(c, ICAL_ANY_PROPERTY)) all.emplace_back(property_name(p), p);
  }
  [[nodiscard]] icalproperty* named(std::string_view name) const {
    for (const auto& [n, p] : all) {
      if (iequals(n, name)) return p;
    }
    return nullptr;
  }
  // The first X- property whose name ends with one of `suffixes`.
  [[nodiscard]] icalproperty* x_ending(std::initializer_list<std::string_view> suffixes) const {
    for (const auto& [n, p] : all) {
      if (!istarts_with(n, "X-")) continue;
      for (std::string_view s : suffixes) {
        if (iends_with(n, s)) return p;
      }
    }
    return nullptr;
  }
  [[nodiscard]] std::string text(std::string_view name) const {
    icalproperty* p = named(name);
    return p != nullptr ? std::string(trim(property_text(p))) : std::string{};
  }
};

// The mapped property's text if the feed maps the field (absent → empty), else the first
// default property found.
std::string field_text(const Props& props, const std::string& mapped,
                       std::initializer_list<std::string_view> x_suffixes, std::string_view fallback = {}) {
  if (!mapped.empty()) return props.text(mapped);
  if (x_suffixes.size() > 0) {
    if (icalproperty* p = props.x_ending(x_suffixes)) {
      std::string v(trim(property_text(p)));
      if (!v.empty()) return v;
    }
  }
  return fallback.empty() ? std::string{} : props.text(fallback);
}

// ---------------------------------------------------------------------------------------
// Stage 3: events to records

// libical drops a property it cannot read and leaves an X-LIC-ERROR naming it. Losing one
// of these would silently change when (or whether) a hearing happens, so the event is
// rejected instead, with libical's message.
std::optional<std::string> critical_parse_error(icalcomponent* ev) {
  constexpr std::array<std::string_view, 7> kCritical{"DTSTART", "DTEND",  "DURATION",     "RRULE",
                                                      "RDATE",   "EXDATE", "RECURRENCE-ID"};
  for (icalproperty* e : properties(ev, ICAL_XLICERROR_PROPERTY)) {
    const std::string msg = property_text(e);
    for (std::string_view name : kCritical) {
      if (msg.find(" " + std::string(name) + " property") != std::string::npos) {
        // An empty RDATE or EXDATE adds or removes nothing.
        if ((name == "RDATE" || name == "EXDATE") && msg.rfind("No value for", 0) == 0) continue;
        return "unreadable " + std::string(name) + ": " + msg.substr(0, 160);
      }
    }
  }
  return std::nullopt;
}

struct EventTimes {
  Resolved start;
  std::optional<sys_seconds> end;
  seconds span{0};  // end - start (UTC), for instances of a timed event
  std::optional<std::chrono::days> local_span;  // for an all-day event: days on the local clock
};

class CalendarReader {
 public:
  CalendarReader(icalcomponent* cal, const TimeWindow& window, const IcalOptions& options, Zone floating,
                 ParseResult& out)
      : cal_(cal), window_(window), options_(options), floating_(floating), out_(out) {}

  void set_cancel_all(bool v) { cancel_all_ = v; }

  void read(const std::vector<icalcomponent*>& events);

 private:
  struct Candidate {
    icalcomponent* comp = nullptr;
    std::string uid;
    int sequence = 0;
    std::optional<sys_seconds> rid;
    bool recurs = false;
  };

  void reject(const std::string& uid, std::string reason) {
    out_.rejections.push_back(
        Rejection{std::nullopt, uid.empty() ? std::nullopt : std::optional<std::string>(uid), std::move(reason)});
  }

  std::optional<Zone> zone_for(const std::string& tzid);
  Result<Resolved> resolve(const TimeValue& v, std::string_view what, const std::optional<Zone>& floating_hint);
  Result<HearingRecord> build(const Candidate& c, EventTimes* times);
  void emit_single(const Candidate& c);
  void expand(const Candidate& master, const std::map<sys_seconds, const Candidate*>* overrides);
  bool in_window(sys_seconds s) const { return s >= window_.from && s < window_.to; }

  icalcomponent* cal_;
  const TimeWindow& window_;
  const IcalOptions& options_;
  Zone floating_;
  ParseResult& out_;
  bool cancel_all_ = false;
  std::map<std::string, std::optional<Zone>> zones_;
  std::map<std::string, Zone> master_zone_;  // UID → the zone of the master's DTSTART
};

std::optional<Zone> CalendarReader::zone_for(const std::string& tzid) {
  if (const auto it = zones_.find(tzid); it != zones_.end()) return it->second;
  std::optional<Zone> z;
  if (const auto* iana = find_iana_zone(tzid)) {
    z = Zone::iana(iana);
  } else if (cal_ != nullptr) {
    for (icalcomponent* vtz : children(cal_, ICAL_VTIMEZONE_COMPONENT)) {
      const Props props(vtz);
      if (props.text("TZID") != trim(tzid)) continue;
      if (const auto* iana = find_iana_zone(props.text("X-LIC-LOCATION"))) {
        z = Zone::iana(iana);
        break;
      }
      const bool has_rules = icalcomponent_get_first_component(vtz, ICAL_XSTANDARD_COMPONENT) != nullptr ||
                             icalcomponent_get_first_component(vtz, ICAL_XDAYLIGHT_COMPONENT) != nullptr;
      if (has_rules) {
        if (icaltimezone* t = icalcomponent_get_timezone(cal_, tzid.c_str())) z = Zone::vtimezone(t);
      }
      break;
    }
  }
  zones_.emplace(tzid, z);
  return z;
}

Result<Resolved> CalendarReader::resolve(const TimeValue& v, std::string_view what,
                                         const std::optional<Zone>& floating_hint) {
  if (!valid_fields(v.t)) {
    return Error::of(ErrorCode::invalid_argument, std::string(what) + " is not a valid date between " +
                                                      std::to_string(kMinYear) + " and " + std::to_string(kMaxYear));
  }
  Resolved r;
  r.is_date = v.t.is_date != 0;
  if (r.is_date) {
    r.zone = floating_hint.value_or(floating_);
  } else if (icaltime_is_utc(v.t)) {
    r.zone = Zone::utc();
  } else if (!v.tzid.empty()) {
    const auto z = zone_for(v.tzid);
    if (z) {
      r.zone = *z;
    } else if (floating_hint) {
      r.zone = *floating_hint;  // an EXDATE/RDATE with a stray TZID: read on the master's clock
    } else {
      return Error::of(ErrorCode::invalid_argument,
                       "unknown time zone " + quoted(v.tzid) + " in " + std::string(what) +
                           " (no IANA or Windows zone of that name and no VTIMEZONE for it)");
    }
  } else {
    r.zone = floating_hint.value_or(floating_);
  }
  r.local = local_of(v.t);
  r.utc = r.zone.to_utc(r.local);
  return r;
}

Result<HearingRecord> CalendarReader::build(const Candidate& c, EventTimes* times) {
  icalcomponent* ev = c.comp;
  const Props props(ev);
  const FeedMapping& map = options_.mapping;
  auto fail = [](std::string reason) { return Error::of(ErrorCode::invalid_argument, std::move(reason)); };

  // Times first: without a start there is no hearing.
  icalproperty* dtstart = props.named("DTSTART");
  if (dtstart == nullptr) return fail("no DTSTART");
  const auto start_value = time_value(dtstart);
  if (!start_value) return fail("unreadable DTSTART");
  auto start = resolve(*start_value, "DTSTART", std::nullopt);
  if (!start) return start.error();

  EventTimes t;
  t.start = *start;
  if (icalproperty* dtend = props.named("DTEND")) {
    const auto end_value = time_value(dtend);
    if (!end_value) return fail("unreadable DTEND");
    auto end = resolve(*end_value, "DTEND", std::nullopt);
    if (!end) return end.error();
    if (end->utc < t.start.utc) return fail("DTEND is before DTSTART");
    if (end->utc - t.start.utc > std::chrono::days{kMaxSpanDays}) return fail("DTEND is more than 1000 days after DTSTART");
    t.end = end->utc;
    if (t.start.is_date) t.local_span = date::floor<std::chrono::days>(end->local - t.start.local);
  } else if (icalproperty* dur = props.named("DURATION")) {
    const icaldurationtype d = icalproperty_get_duration(dur);
    if (d.is_neg != 0) return fail("negative DURATION");
    const long long days = 7LL * d.weeks + d.days;
    const long long exact = 3600LL * d.hours + 60LL * d.minutes + d.seconds;
    if (days > kMaxSpanDays || exact > kMaxSpanDays * 86400) return fail("DURATION longer than 1000 days");
    const local_seconds end_local = t.start.local + std::chrono::days{days};
    if (!in_range(end_local)) return fail("DURATION ends after " + std::to_string(kMaxYear));
    t.end = t.start.zone.to_utc(end_local) + seconds{exact};
    if (t.start.is_date) t.local_span = std::chrono::days{days};
  } else if (t.start.is_date) {
    // RFC 5545 3.6.1: a DATE start without an end lasts the day.
    const local_seconds end_local = t.start.local + std::chrono::days{1};
    if (in_range(end_local)) t.end = t.start.zone.to_utc(end_local);
    t.local_span = std::chrono::days{1};
  }
  if (t.end) t.span = *t.end - t.start.utc;

  HearingRecord r;
  r.uid = c.uid;
  r.source_uid = c.uid;
  if (!map.hearing_id.empty()) {
    const std::string id = props.text(map.hearing_id);
    if (!id.empty()) r.source_uid = id;
  }
  r.sequence = c.sequence;
  r.summary = props.text("SUMMARY");
  r.starts_at = micros(t.start.utc);
  if (t.end) r.ends_at = micros(*t.end);
  r.all_day = t.start.is_date;
  r.recurrence_id = c.rid ? std::optional<TimePoint>(micros(*c.rid)) : std::nullopt;

  r.docket = field_text(props, map.docket, {"-DOCKET", "-DOCKET-NUMBER", "-DOCKETNUMBER"});
  if (r.docket.empty() && map.docket.empty()) {
    r.docket = find_docket_in_text(r.summary);
    if (r.docket.empty()) r.docket = find_docket_in_text(props.text("DESCRIPTION"));
  }
  r.normalized_docket = normalize_docket(r.docket);

  r.kind_text = field_text(props, map.hearing_type, {"-HEARING-TYPE", "-HEARINGTYPE"});
  if (r.kind_text.empty() && map.hearing_type.empty()) r.kind_text = r.summary;
  r.kind = hearing_kind_from_text(r.kind_text);

  r.department = field_text(props, map.department, {"-DEPARTMENT", "-DEPT"}, "LOCATION");
  r.judge = field_text(props, map.judge, {"-JUDGE"});

  if (icalproperty* st = props.named("STATUS")) {
    // libical knows CANCELLED; the American "CANCELED" arrives as an extension value.
    if (icalproperty_get_status(st) == ICAL_STATUS_CANCELLED ||
        hearing_status_from_text(property_text(st)).status == HearingStatus::cancelled) {
      r.status = HearingStatus::cancelled;
    }
  }
  if (!map.status.empty()) {
    const std::string text = props.text(map.status);
    if (!text.empty()) {
      const StatusReading s = hearing_status_from_text(text);
      if (s.status != HearingStatus::scheduled && r.status != HearingStatus::cancelled) r.status = s.status;
      if (!s.plain) r.note = text;
    }
  }
  if (cancel_all_) r.status = HearingStatus::cancelled;
  r.cancel_reason = field_text(props, map.cancel_reason, {"-CANCEL-REASON", "-CANCELLATION-REASON"});
  if (r.cancel_reason.empty() && map.cancel_reason.empty() && r.status == HearingStatus::cancelled) {
    r.cancel_reason = props.text("COMMENT");
  }

  for (const auto& [name, p] : props.all) {
    if (!istarts_with(name, "X-") || icalproperty_isa(p) == ICAL_XLICERROR_PROPERTY) continue;
    r.x_properties.emplace(name, property_text(p));
  }
  if (times != nullptr) *times = t;
  return r;
}

void CalendarReader::emit_single(const Candidate& c) {
  auto rec = build(c, nullptr);
  if (!rec) {
    reject(c.uid, rec.error().message);
    return;
  }
  out_.records.push_back(std::move(*rec));
}

void CalendarReader::expand(const Candidate& master, const std::map<sys_seconds, const Candidate*>* overrides) {
  EventTimes times;
  auto built = build(master, &times);
  if (!built) {
    reject(master.uid, built.error().message);
    // Its moved or cancelled instances still say something true: keep them.
    if (overrides != nullptr) {
      for (const auto& [rid, o] : *overrides) emit_single(*o);
    }
    return;
  }
  const HearingRecord& tmpl = *built;
  const Zone zone = times.start.zone;
  const bool is_date = times.start.is_date;

  struct Instance {
    local_seconds local;
    std::optional<sys_seconds> end;  // an RDATE period's own end
  };
  std::map<sys_seconds, Instance> instances;
  const std::size_t cap = options_.max_instances;
  bool truncated = false;
  // Keeps the earliest cap + 1 instances in the window (one more than can be emitted, to
  // know that some were dropped).
  auto add = [&](sys_seconds utc, local_seconds local, std::optional<sys_seconds> end) {
    if (!in_window(utc)) return;
    instances.emplace(utc, Instance{local, end});
    if (instances.size() > cap + 1) instances.erase(std::prev(instances.end()));
  };

  // DTSTART is always the first instance (RFC 5545 3.8.5.3).
  add(times.start.utc, times.start.local, std::nullopt);

  for (icalproperty* p : properties(master.comp, ICAL_RRULE_PROPERTY)) {
    icalrecurrencetype rule = icalproperty_get_rrule(p);
    if (rule.freq == ICAL_NO_RECURRENCE) {
      reject(master.uid, "unreadable RRULE");
      return;
    }
    // Courts sit on the Gregorian calendar; other RSCALEs (RFC 7529) go through ICU and can
    // take long to iterate.
    if (rule.rscale != nullptr && !iequals(rule.rscale, "GREGORIAN")) {
      reject(master.uid, "RRULE with RSCALE=" + quoted(rule.rscale) + " is not supported");
      return;
    }
    // UNTIL in UTC is compared on the local clock the iterator runs on.
    if (!icaltime_is_null_time(rule.until)) {
      icaltimetype u = rule.until;
      if (u.year > kMaxYear) {
        u = icaltime_null_time();
      } else if (!valid_fields(u)) {
        continue;  // ends before any supported date: only DTSTART, added above
      } else if (is_date) {
        local_seconds l = local_of(u);
        if (!u.is_date && icaltime_is_utc(u)) l = zone.to_local(sys_seconds{local_of(u).time_since_epoch()});
        if (!in_range(l)) continue;
        u = fields_of(date::floor<date::days>(l), true);
      } else if (u.is_date) {
        u = fields_of(local_of(u) + std::chrono::hours{23} + std::chrono::minutes{59} + seconds{59}, false);
      } else if (icaltime_is_utc(u)) {
        const local_seconds l = zone.to_local(sys_seconds{local_of(u).time_since_epoch()});
        if (!in_range(l)) continue;
        u = fields_of(l, false);
      } else {
        u = fields_of(local_of(u), false);
      }
      rule.until = u;
    }
    IteratorPtr it{icalrecur_iterator_new(rule, fields_of(times.start.local, is_date))};
    if (!it) {
      reject(master.uid, "RRULE cannot be expanded: " + quoted(property_text(p)));
      return;
    }
    std::size_t steps = 0;
    for (;;) {
      const icaltimetype next = icalrecur_iterator_next(it.get());
      if (icaltime_is_null_time(next)) break;
      if (++steps > kMaxRecurrenceSteps) {
        reject(master.uid, "RRULE expansion stopped after " + std::to_string(kMaxRecurrenceSteps) +
                               " occurrences before the end of the window");
        break;
      }
      if (!valid_fields(next)) break;
      const local_seconds l = local_of(next);
      const sys_seconds utc = zone.to_utc(l);
      if (utc >= window_.to) break;
      add(utc, l, std::nullopt);
      if (instances.size() > cap && utc >= instances.rbegin()->first) break;  // later ones would be dropped
    }
  }

  for (icalproperty* p : properties(master.comp, ICAL_RDATE_PROPERTY)) {
    const icalvalue* v = icalproperty_get_value(p);
    if (v == nullptr) continue;
    TimeValue start_v;
    start_v.tzid = tzid_of(p);
    std::optional<TimeValue> end_v;
    std::optional<icaldurationtype> dur;
    switch (icalvalue_isa(v)) {
      case ICAL_DATETIME_VALUE: start_v.t = icalvalue_get_datetime(v); break;
      case ICAL_DATE_VALUE: start_v.t = icalvalue_get_date(v); break;
      case ICAL_DATETIMEPERIOD_VALUE:
      case ICAL_PERIOD_VALUE: {
        icaldatetimeperiodtype dp{};
        if (icalvalue_isa(v) == ICAL_PERIOD_VALUE) {
          dp.time = icaltime_null_time();
          dp.period = icalvalue_get_period(v);
        } else {
          dp = icalvalue_get_datetimeperiod(v);
        }
        if (!icaltime_is_null_time(dp.time)) {
          start_v.t = dp.time;
        } else {
          start_v.t = dp.period.start;
          if (!icaltime_is_null_time(dp.period.end)) {
            end_v = TimeValue{dp.period.end, start_v.tzid};
          } else {
            dur = dp.period.duration;
          }
        }
        break;
      }
      default: continue;
    }
    if (icaltime_is_null_time(start_v.t)) continue;
    auto s = resolve(start_v, "RDATE", zone);
    if (!s) {
      reject(master.uid, s.error().message + "; that RDATE is skipped");
      continue;
    }
    std::optional<sys_seconds> end;
    if (end_v) {
      auto e = resolve(*end_v, "RDATE period end", zone);
      if (e && e->utc >= s->utc && e->utc - s->utc <= std::chrono::days{kMaxSpanDays}) end = e->utc;
    } else if (dur && dur->is_neg == 0 && dur->weeks * 7LL + dur->days <= kMaxSpanDays) {
      end = s->utc + std::chrono::days{dur->weeks * 7LL + dur->days} +
            seconds{3600LL * std::min(dur->hours, 24000U) + 60LL * std::min(dur->minutes, 60000U) +
                    std::min(dur->seconds, 3600000U)};
    }
    add(s->utc, s->local, end);
  }

  for (icalproperty* p : properties(master.comp, ICAL_EXDATE_PROPERTY)) {
    const auto ex = time_value(p);
    if (!ex || !valid_fields(ex->t)) continue;
    if (ex->t.is_date && !is_date) {  // a DATE exception removes that day's instances
      const local_seconds day = local_of(ex->t);
      std::erase_if(instances, [&](const auto& kv) {
        return kv.second.local >= day && kv.second.local < day + std::chrono::days{1};
      });
      continue;
    }
    const auto r = resolve(*ex, "EXDATE", zone);
    if (r) instances.erase(r->utc);
  }

  std::set<sys_seconds> used;
  std::size_t emitted = 0;
  for (const auto& [utc, inst] : instances) {
    if (emitted == cap) {
      truncated = true;
      break;
    }
    ++emitted;
    if (overrides != nullptr) {
      if (const auto o = overrides->find(utc); o != overrides->end()) {
        used.insert(utc);
        emit_single(*o->second);
        continue;
      }
    }
    HearingRecord r = tmpl;
    r.starts_at = micros(utc);
    r.recurrence_id = micros(utc);
    if (inst.end) {
      r.ends_at = micros(*inst.end);
    } else if (is_date && times.local_span) {
      const local_seconds end_local = inst.local + *times.local_span;
      r.ends_at = in_range(end_local) ? std::optional<TimePoint>(micros(zone.to_utc(end_local))) : std::nullopt;
    } else if (tmpl.ends_at) {
      r.ends_at = micros(utc + times.span);
    }
    out_.records.push_back(std::move(r));
  }
  if (truncated) {
    reject(master.uid, "recurring event has more than " + std::to_string(cap) +
                           " instances in the window; only the first " + std::to_string(cap) + " were imported");
  }
  // Overrides of instances the rule no longer produces (or that EXDATE removed): keep the
  // ones that concern the window.
  if (overrides != nullptr) {
    for (const auto& [rid, o] : *overrides) {
      if (used.count(rid) > 0) continue;
      bool keep = in_window(rid);
      if (!keep) {
        const Props op(o->comp);
        if (icalproperty* s = op.named("DTSTART")) {
          if (const auto v = time_value(s)) {
            if (auto r = resolve(*v, "DTSTART", std::nullopt)) keep = in_window(r->utc);
          }
        }
      }
      if (keep) emit_single(*o);
    }
  }
}

void CalendarReader::read(const std::vector<icalcomponent*>& events) {
  // Pass 1: identity of each VEVENT and the zone of each master's start (a floating
  // RECURRENCE-ID is read on its master's clock).
  std::vector<Candidate> all;
  all.reserve(events.size());
  for (icalcomponent* ev : events) {
    const Props props(ev);
    Candidate c;
    c.comp = ev;
    c.uid = props.text("UID");
    if (auto error = critical_parse_error(ev)) {
      reject(c.uid, std::move(*error));
      c.comp = nullptr;
      all.push_back(std::move(c));
      continue;
    }
    if (icalproperty* seq = props.named("SEQUENCE")) c.sequence = icalproperty_get_sequence(seq);
    c.recurs = props.named("RRULE") != nullptr || props.named("RDATE") != nullptr;
    if (props.named("RECURRENCE-ID") == nullptr && !c.uid.empty()) {
      if (icalproperty* s = props.named("DTSTART")) {
        if (const auto v = time_value(s)) {
          if (auto r = resolve(*v, "DTSTART", std::nullopt)) master_zone_.insert_or_assign(c.uid, r->zone);
        }
      }
    }
    all.push_back(std::move(c));
  }
  for (Candidate& c : all) {
    if (c.comp == nullptr) continue;
    const Props props(c.comp);
    icalproperty* rid = props.named("RECURRENCE-ID");
    if (rid == nullptr) continue;
    const auto v = time_value(rid);
    std::optional<Zone> hint;
    if (const auto it = master_zone_.find(c.uid); it != master_zone_.end()) hint = it->second;
    if (!v) {
      c.comp = nullptr;
      reject(c.uid, "unreadable RECURRENCE-ID");
      continue;
    }
    auto r = resolve(*v, "RECURRENCE-ID", v->tzid.empty() ? hint : std::nullopt);
    if (!r) {
      c.comp = nullptr;
      reject(c.uid, r.error().message);
      continue;
    }
    c.rid = r->utc;
  }

  // Pass 2: of the same (UID, RECURRENCE-ID), the highest SEQUENCE; a tie goes to the later.
  std::map<std::pair<std::string, std::optional<sys_seconds>>, std::size_t> best;
  std::vector<bool> keep(all.size(), false);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].comp == nullptr) continue;
    if (all[i].uid.empty()) {
      keep[i] = true;
      continue;
    }
    const auto key = std::make_pair(all[i].uid, all[i].rid);
    const auto [it, fresh] = best.emplace(key, i);
    if (!fresh) {
      if (all[i].sequence >= all[it->second].sequence) {
        keep[it->second] = false;
        it->second = i;
      } else {
        continue;
      }
    }
    keep[i] = true;
  }

  std::map<std::string, const Candidate*> masters;
  std::map<std::string, std::map<sys_seconds, const Candidate*>> overrides;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!keep[i] || all[i].uid.empty()) continue;
    if (all[i].rid) {
      overrides[all[i].uid][*all[i].rid] = &all[i];
    } else {
      masters[all[i].uid] = &all[i];
    }
  }

  // Pass 3: records, in file order.
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!keep[i]) continue;
    const Candidate& c = all[i];
    if (c.rid) {
      const auto m = masters.find(c.uid);
      if (m != masters.end() && m->second->recurs) continue;  // placed by its master
      emit_single(c);
      continue;
    }
    if (!c.recurs) {
      emit_single(c);
      continue;
    }
    const auto o = overrides.find(c.uid);
    expand(c, o != overrides.end() ? &o->second : nullptr);
  }
}

}  // namespace

std::optional<std::string> iana_zone_for(std::string_view tzid) {
  if (const auto* z = find_iana_zone(tzid)) return std::string(z->name());
  return std::nullopt;
}

Result<ParseResult> parse_ical(std::string_view bytes, const TimeWindow& window, const IcalOptions& options) {
  if (bytes.size() > options.max_bytes) {
    return Error::of(ErrorCode::payload_too_large, "iCalendar file of " + std::to_string(bytes.size()) +
                                                       " bytes exceeds the limit of " +
                                                       std::to_string(options.max_bytes));
  }
  const date::time_zone* court_zone = locate(options.time_zone);
  if (court_zone == nullptr) return Error::invalid("time_zone", "unknown time zone " + quoted(options.time_zone));

  auto prepared = prepare(bytes);
  if (!prepared) return prepared.error();

  init_libical();
  const RingGuard ring;
  ComponentPtr root{icalparser_parse_string(prepared->text.c_str())};
  if (!root) return Error::invalid("file", "not an iCalendar file: no BEGIN:VCALENDAR");

  std::vector<icalcomponent*> calendars;
  std::vector<icalcomponent*> loose_events;
  const icalcomponent_kind kind = icalcomponent_isa(root.get());
  if (kind == ICAL_VCALENDAR_COMPONENT) {
    calendars.push_back(root.get());
  } else if (kind == ICAL_VEVENT_COMPONENT) {
    loose_events.push_back(root.get());
  } else if (kind == ICAL_XROOT_COMPONENT) {
    calendars = children(root.get(), ICAL_VCALENDAR_COMPONENT);
    loose_events = children(root.get(), ICAL_VEVENT_COMPONENT);
  }
  if (calendars.empty() && loose_events.empty()) {
    const char* name = icalcomponent_kind_to_string(kind);
    return Error::invalid("file", std::string("not an iCalendar calendar: the file holds ") +
                                      (name != nullptr && *name != '\0' ? name : "an unknown component") +
                                      ", not a VCALENDAR");
  }

  ParseResult out;
  out.rejections = std::move(prepared->rejections);
  for (icalcomponent* cal : calendars) {
    const Props props(cal);
    const std::string method = upper(props.text("METHOD"));
    if (out.method.empty()) out.method = method;
    Zone floating = Zone::iana(court_zone);
    if (options.use_x_wr_timezone) {
      if (const auto* wr = find_iana_zone(props.text("X-WR-TIMEZONE"))) floating = Zone::iana(wr);
    }
    CalendarReader reader(cal, window, options, floating, out);
    reader.set_cancel_all(method == "CANCEL");
    reader.read(children(cal, ICAL_VEVENT_COMPONENT));
  }
  if (!loose_events.empty()) {
    CalendarReader reader(nullptr, window, options, Zone::iana(court_zone), out);
    reader.read(loose_events);
  }
  return out;
}

}  // namespace heat::adapters
