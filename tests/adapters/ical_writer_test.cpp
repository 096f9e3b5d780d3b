// The exported calendar writer: RFC 5545 framing (CRLF, folding at 75 octets without
// splitting UTF-8, TEXT escaping), the VTIMEZONE checked against the tz database through
// libical, UID/SEQUENCE, cancelled hearings kept 30 days then dropped, and what a VEVENT
// may say (nothing but the public court calendar's facts).
#include "adapters/ical_parser.hpp"
#include "adapters/ical_writer.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <libical/ical.h>

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace heat::adapters {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

TimePoint at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return TimePoint(sys_days(std::chrono::year{y} / m / d)) + std::chrono::hours{hh} + std::chrono::minutes{mm};
}

CalendarHearing hearing(std::string id, TimePoint start) {
  CalendarHearing h;
  h.id = std::move(id);
  h.kind = "preliminary_hearing";
  h.status = "scheduled";
  h.department = "12";
  h.da_number = "2026-000123";
  h.docket = "26-CR-012345";
  h.starts_at = start;
  h.sequence = 0;
  h.updated_at = at(2026, 4, 1, 17);
  return h;
}

std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find("\r\n", pos);
    if (end == std::string::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

std::string unfold(const std::string& text) {
  std::string out;
  for (const auto& line : physical_lines(text)) {
    if (!line.empty() && line[0] == ' ') {
      out += line.substr(1);
    } else {
      if (!out.empty()) out += "\n";
      out += line;
    }
  }
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(IcalWriter, EscapesText) {
  EXPECT_EQ(escape_text("a,b;c\\d"), "a\\,b\\;c\\\\d");
  EXPECT_EQ(escape_text("one\ntwo\r\nthree\rfour"), "one\\ntwo\\nthree\\nfour");
  EXPECT_EQ(escape_text("tab\there"), "tab here");
  EXPECT_EQ(escape_text(std::string("nul\0bell\a", 9)), "nulbell");
  EXPECT_EQ(escape_text("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(escape_text("bad\xC3("), "bad\xEF\xBF\xBD(");       // truncated sequence
  EXPECT_EQ(escape_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(escape_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
}

TEST(IcalWriter, ShortLineIsOneCrlfLine) {
  EXPECT_EQ(fold_line("VERSION:2.0"), "VERSION:2.0\r\n");
  const std::string exactly75(75, 'x');
  EXPECT_EQ(fold_line(exactly75), exactly75 + "\r\n");
  EXPECT_EQ(fold_line(exactly75 + "y"), exactly75 + "\r\n y\r\n");
}

TEST(IcalWriter, FoldsAtSeventyFiveOctetsWithoutSplittingUtf8) {
  // Two-, three- and four-byte sequences at every offset against the fold boundary.
  for (const std::string glyph : {"\xC3\xA9", "\xE2\x80\x94", "\xF0\x9F\x93\x85"}) {
    for (std::size_t prefix = 0; prefix < 8; ++prefix) {
      std::string line = "SUMMARY:" + std::string(60 + prefix, 'a');
      for (int i = 0; i < 40; ++i) line += glyph;
      const std::string folded = fold_line(line);
      ASSERT_EQ(folded.substr(folded.size() - 2), "\r\n");
      const auto lines = physical_lines(folded);
      ASSERT_GE(lines.size(), 2u);
      for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_LE(lines[i].size(), 75u) << "line " << i << " of glyph size " << glyph.size();
        EXPECT_TRUE(valid_utf8(lines[i])) << "line " << i << " splits a sequence (glyph " << glyph.size()
                                          << ", prefix " << prefix << ")";
        if (i > 0) {
          EXPECT_EQ(lines[i][0], ' ');
          EXPECT_NE(lines[i][1], ' ');
        }
      }
      // A line is cut only where the next sequence would not fit.
      for (std::size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_GT(lines[i].size() + glyph.size(), 75u);
      EXPECT_EQ(unfold(folded), line);
    }
  }
}

TEST(IcalWriter, WholeCalendarIsCrlfFoldedAndFramed) {
  auto h = hearing("0b6c3c8e-1111-4222-8333-444455556666", at(2026, 4, 15, 15, 30));
  h.department = "Dept. 12 \xE2\x80\x94 Hall of Justice, 850 Bryant St; Floor 3 \xF0\x9F\x8F\x9B" +
                 std::string(60, 'x');
  const auto ics = write_calendar(std::span(&h, 1), at(2026, 4, 2));
  ASSERT_TRUE(ics) << ics.error().message;
  const std::string& text = *ics;
  EXPECT_EQ(text.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_EQ(text.substr(text.size() - 15), "END:VCALENDAR\r\n");
  EXPECT_EQ(count(text, "\n"), count(text, "\r\n")) << "a bare LF";
  EXPECT_EQ(count(text, "\r"), count(text, "\r\n")) << "a bare CR";
  for (const auto& line : physical_lines(text)) {
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(valid_utf8(line)) << line;
  }
  const std::string u = unfold(text);
  for (const char* property : {"PRODID:-//HEAT Watch//Case Engine//EN", "VERSION:2.0", "CALSCALE:GREGORIAN",
                               "METHOD:PUBLISH", "TZID:America/Los_Angeles"})
    EXPECT_NE(u.find(std::string("\n") + property + "\n"), std::string::npos) << property;
  EXPECT_NE(u.find("\nLOCATION:Dept. 12 \xE2\x80\x94 Hall of Justice\\, 850 Bryant St\\; Floor 3"), std::string::npos);
  // 15:30Z on 15 April is 08:30 PDT.
  EXPECT_NE(u.find("\nDTSTART;TZID=America/Los_Angeles:20260415T083000\n"), std::string::npos);
  EXPECT_NE(u.find("\nDTEND;TZID=America/Los_Angeles:20260415T093000\n"), std::string::npos);
  EXPECT_NE(u.find("\nDTSTAMP:20260401T170000Z\n"), std::string::npos);
  EXPECT_NE(u.find("\nSTATUS:CONFIRMED\n"), std::string::npos);
}

TEST(IcalWriter, UidIsStablePerHearingAndSequenceIsTheChangeCounter) {
  auto a = hearing("aaaaaaaa-0000-4000-8000-000000000001", at(2026, 5, 1, 16));
  auto b = hearing("bbbbbbbb-0000-4000-8000-000000000002", at(2026, 5, 2, 16));
  const std::vector<CalendarHearing> first{a, b};
  const auto one = write_calendar(first, at(2026, 4, 2));
  ASSERT_TRUE(one);
  // The same hearings in another order give the same bytes.
  const std::vector<CalendarHearing> reversed{b, a};
  EXPECT_EQ(*write_calendar(reversed, at(2026, 4, 2)), *one);
  EXPECT_NE(unfold(*one).find("\nUID:aaaaaaaa-0000-4000-8000-000000000001@heatwatch\n"), std::string::npos);
  // The court continues hearing a: new start, the counter moves on, the UID stays.
  a.starts_at = at(2026, 6, 3, 16);
  a.sequence = 2;
  a.updated_at = at(2026, 4, 10, 9);
  const std::vector<CalendarHearing> second{a, b};
  const std::string u = unfold(*write_calendar(second, at(2026, 4, 11)));
  EXPECT_EQ(count(u, "\nUID:aaaaaaaa-0000-4000-8000-000000000001@heatwatch\n"), 1u);
  EXPECT_EQ(count(u, "\nUID:bbbbbbbb-0000-4000-8000-000000000002@heatwatch\n"), 1u);
  const auto ua = u.find("UID:aaaaaaaa");
  const auto end = u.find("END:VEVENT", ua);
  const std::string event_a = u.substr(ua, end - ua);
  EXPECT_NE(event_a.find("\nSEQUENCE:2\n"), std::string::npos) << event_a;
  EXPECT_NE(event_a.find("\nDTSTART;TZID=America/Los_Angeles:20260603T090000\n"), std::string::npos) << event_a;
  EXPECT_NE(event_a.find("\nDTSTAMP:20260410T090000Z\n"), std::string::npos) << event_a;
}

TEST(IcalWriter, CancelledHearingIsKeptThirtyDaysThenDropped) {
  auto c = hearing("cccccccc-0000-4000-8000-000000000003", at(2026, 5, 20, 16));
  c.status = "cancelled";
  c.cancelled_at = at(2026, 5, 1, 12);
  c.updated_at = *c.cancelled_at;
  c.sequence = 1;
  const auto kept = write_calendar(std::span(&c, 1), at(2026, 5, 31, 12));  // exactly 30 days
  ASSERT_TRUE(kept);
  EXPECT_NE(kept->find("UID:cccccccc-0000-4000-8000-000000000003@heatwatch"), std::string::npos);
  EXPECT_NE(kept->find("\r\nSTATUS:CANCELLED\r\n"), std::string::npos);
  EXPECT_EQ(kept->find("STATUS:CONFIRMED"), std::string::npos);
  const auto dropped = write_calendar(std::span(&c, 1), at(2026, 5, 31, 12) + 1s);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->find("cccccccc"), std::string::npos);
  EXPECT_EQ(dropped->find("BEGIN:VEVENT"), std::string::npos);
  // Without a cancellation time, the last change counts.
  c.cancelled_at.reset();
  EXPECT_TRUE(exported_at(c, at(2026, 5, 31, 12)));
  EXPECT_FALSE(exported_at(c, at(2026, 6, 1)));
  // Scheduled, continued and held hearings never age out here.
  c.status = "held";
  EXPECT_TRUE(exported_at(c, at(2030, 1, 1)));
}

TEST(IcalWriter, SummaryCarriesOnlyKindAndCaseNumbers) {
  auto h = hearing("dddddddd-0000-4000-8000-000000000004", at(2026, 7, 1, 16));
  EXPECT_EQ(hearing_summary(h), "Preliminary hearing: DA 2026-000123, docket 26-CR-012345");
  h.docket.clear();
  EXPECT_EQ(hearing_summary(h), "Preliminary hearing: DA 2026-000123");
  h.kind = "sentencing";
  h.status = "continued";
  const std::string u = unfold(*write_calendar(std::span(&h, 1), at(2026, 6, 1)));
  EXPECT_NE(u.find("\nSUMMARY:Sentencing: DA 2026-000123\n"), std::string::npos) << u;
  EXPECT_NE(u.find("\nDESCRIPTION:Court status: continued\n"), std::string::npos) << u;
  // Only these properties appear in a VEVENT (nothing that could carry a name or a note).
  const std::set<std::string> allowed{"BEGIN", "END", "UID", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "DTSTART",
                                      "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "TRANSP"};
  std::istringstream lines(u.substr(u.find("BEGIN:VEVENT")));
  for (std::string line; std::getline(lines, line);) {
    if (line == "END:VCALENDAR") break;
    const std::string name = line.substr(0, line.find_first_of(":;"));
    EXPECT_TRUE(allowed.count(name)) << line;
  }
}

TEST(IcalWriter, AllDayHearingIsADate) {
  auto h = hearing("eeeeeeee-0000-4000-8000-000000000005", at(2026, 8, 3, 7));  // local midnight PDT
  h.all_day = true;
  const std::string u = unfold(*write_calendar(std::span(&h, 1), at(2026, 6, 1)));
  EXPECT_NE(u.find("\nDTSTART;VALUE=DATE:20260803\n"), std::string::npos) << u;
  EXPECT_NE(u.find("\nDTEND;VALUE=DATE:20260804\n"), std::string::npos) << u;
}

TEST(IcalWriter, UnknownZoneIsAnError) {
  IcalWriterOptions options;
  options.tzid = "Mars/Olympus_Mons";
  EXPECT_FALSE(write_calendar({}, at(2026, 1, 1), options));
}

// The VTIMEZONE, read by libical, gives the tz database's offset at every hour of the
// range it claims to cover (both directions of conversion), including around each change.
void expect_vtimezone_matches(const char* zone_name, TimePoint from, TimePoint to) {
  const date::time_zone* zone = date::locate_zone(zone_name);
  const std::string text = vtimezone(*zone, zone_name, from, to);
  icalcomponent* comp = icalparser_parse_string(text.c_str());
  ASSERT_NE(comp, nullptr) << text;
  ASSERT_EQ(icalcomponent_isa(comp), ICAL_VTIMEZONE_COMPONENT) << text;
  icaltimezone* tz = icaltimezone_new();
  ASSERT_TRUE(icaltimezone_set_component(tz, comp)) << text;  // tz owns comp now
  icaltimezone* utc = icaltimezone_get_utc_timezone();
  std::size_t checked = 0;
  for (auto t = std::chrono::floor<std::chrono::hours>(from); t <= to; t += std::chrono::hours{1}) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(t);
    const auto expected = zone->get_info(secs).offset;
    icaltimetype tt = icaltime_from_timet_with_zone(static_cast<time_t>(secs.time_since_epoch().count()), 0, utc);
    int is_daylight = 0;
    const int got = icaltimezone_get_utc_offset_of_utc_time(tz, &tt, &is_daylight);
    ASSERT_EQ(got, expected.count()) << zone_name << " at " << date::format("%FT%TZ", secs) << "\n" << text;
    // And the local wall time back to UTC (skipping the ambiguous and missing hours).
    const auto local = zone->to_local(secs);
    const date::local_info li = zone->get_info(local);
    if (li.result == date::local_info::unique) {
      const auto ld = std::chrono::floor<std::chrono::days>(local);
      const std::chrono::year_month_day ymd{sys_days(ld.time_since_epoch())};
      const std::chrono::hh_mm_ss hms{local - ld};
      icaltimetype lt = icaltime_null_time();
      lt.year = static_cast<int>(ymd.year());
      lt.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
      lt.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
      lt.hour = static_cast<int>(hms.hours().count());
      lt.minute = static_cast<int>(hms.minutes().count());
      lt.second = static_cast<int>(hms.seconds().count());
      const int back = icaltimezone_get_utc_offset(tz, &lt, &is_daylight);
      ASSERT_EQ(back, expected.count()) << zone_name << " local " << date::format("%FT%T", local);
    }
    ++checked;
  }
  icaltimezone_free(tz, 1);
  EXPECT_GT(checked, 24u * 300);
}

TEST(IcalWriter, VtimezoneMatchesTheTzDatabase) {
  expect_vtimezone_matches("America/Los_Angeles", at(2025, 1, 1), at(2028, 12, 31));
  // A range over the 2007 change of US rules: two RRULEs, the first with an UNTIL.
  expect_vtimezone_matches("America/Los_Angeles", at(2005, 6, 1), at(2009, 6, 1));
  expect_vtimezone_matches("Europe/Berlin", at(2025, 6, 1), at(2027, 6, 1));       // last Sundays
  expect_vtimezone_matches("Australia/Sydney", at(2025, 6, 1), at(2027, 6, 1));    // southern
  expect_vtimezone_matches("America/Phoenix", at(2025, 6, 1), at(2026, 6, 1));     // no changes
}

TEST(IcalWriter, LosAngelesRulesAreYearlyRrules) {
  const std::string text =
      vtimezone(*date::locate_zone("America/Los_Angeles"), "America/Los_Angeles", at(2026, 1, 1), at(2026, 12, 31));
  EXPECT_NE(text.find("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("DTSTART:20250309T020000\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("TZNAME:PDT\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("TZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\n"), std::string::npos) << text;
}

// The engine's own importer reads the export back to the same hearings (start, end, kind,
// docket, department, status), which also shows the escaping round-trips.
TEST(IcalWriter, ImporterReadsTheExportBack) {
  auto a = hearing("aaaaaaaa-0000-4000-8000-00000000000a", at(2026, 11, 1, 16));  // the DST change day
  a.department = "Dept. 5; Annex, Room \\4";
  auto b = hearing("bbbbbbbb-0000-4000-8000-00000000000b", at(2026, 3, 9, 17, 15));
  b.kind = "arraignment";
  b.status = "cancelled";
  b.cancelled_at = at(2026, 3, 1);
  b.ends_at = at(2026, 3, 9, 18);
  const std::vector<CalendarHearing> hs{a, b};
  const auto ics = write_calendar(hs, at(2026, 3, 2));
  ASSERT_TRUE(ics);
  const auto parsed = parse_ical(*ics, TimeWindow{at(2020, 1, 1), at(2030, 1, 1)});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->rejections.empty());
  ASSERT_EQ(parsed->records.size(), 2u);
  const auto& rb = parsed->records[0];
  const auto& ra = parsed->records[1];
  EXPECT_EQ(ra.uid, "aaaaaaaa-0000-4000-8000-00000000000a@heatwatch");
  EXPECT_EQ(ra.starts_at, a.starts_at);
  EXPECT_EQ(ra.ends_at, a.starts_at + std::chrono::hours{1});
  EXPECT_EQ(ra.kind, HearingKind::preliminary_hearing);
  EXPECT_EQ(ra.docket, "26-CR-012345");
  EXPECT_EQ(ra.department, a.department);
  EXPECT_EQ(ra.status, HearingStatus::scheduled);
  EXPECT_EQ(rb.starts_at, b.starts_at);
  EXPECT_EQ(rb.ends_at, b.ends_at);
  EXPECT_EQ(rb.kind, HearingKind::arraignment);
  EXPECT_EQ(rb.status, HearingStatus::cancelled);
}

}  // namespace
}  // namespace heat::adapters
