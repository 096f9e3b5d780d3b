#include "adapters/ical_parser.hpp"

#include "adapters/csv_parser.hpp"

#include <gtest/gtest.h>

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace heat::adapters {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint utc(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return TimePoint{date::sys_days{date::year{y} / m / d}} + hours{h} + minutes{min};
}

// A window wide enough for every hearing of these feeds.
const TimeWindow kYear2026{utc(2026, 1, 1), utc(2027, 1, 1)};

// Lines joined with CRLF, folded at 75 octets as RFC 5545 3.1 asks (never inside a
// UTF-8 sequence; the continuation starts with one space).
std::string ics(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    std::size_t pos = 0;
    std::size_t limit = 75;
    while (line.size() - pos > limit) {
      std::size_t cut = pos + limit;
      while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
      out.append(line, pos, cut - pos);
      out += "\r\n ";
      pos = cut;
      limit = 74;
    }
    out.append(line, pos, std::string::npos);
    out += "\r\n";
  }
  return out;
}

// The court's VTIMEZONE as Outlook/Exchange-style feeds include it.
const std::vector<std::string> kLosAngelesVtimezone{
    "BEGIN:VTIMEZONE",       "TZID:America/Los_Angeles", "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:-0800",    "TZOFFSETTO:-0700",         "TZNAME:PDT",
    "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT",
    "BEGIN:STANDARD",        "TZOFFSETFROM:-0700",       "TZOFFSETTO:-0800",
    "TZNAME:PST",            "DTSTART:19701101T020000",  "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
    "END:STANDARD",          "END:VTIMEZONE",
};

std::vector<std::string> calendar(const std::vector<std::string>& body, const std::string& method = "PUBLISH") {
  std::vector<std::string> lines{"BEGIN:VCALENDAR", "VERSION:2.0",
                                 "PRODID:-//Superior Court of California\\, County of Alameda//Calendar 4.2//EN",
                                 "CALSCALE:GREGORIAN", "METHOD:" + method, "X-WR-CALNAME:Dept. 12 Criminal Calendar"};
  lines.insert(lines.end(), kLosAngelesVtimezone.begin(), kLosAngelesVtimezone.end());
  lines.insert(lines.end(), body.begin(), body.end());
  lines.emplace_back("END:VCALENDAR");
  return lines;
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// --- The court's feed on the first day ---------------------------------------------------

std::vector<std::string> prelim_event(int sequence, const std::string& start) {
  return {"BEGIN:VEVENT",
          "UID:hearing-100231@calendar.alameda.courts.ca.gov",
          "DTSTAMP:20260420T060000Z",
          "SEQUENCE:" + std::to_string(sequence),
          "DTSTART;TZID=America/Los_Angeles:" + start,
          "DURATION:PT1H",
          "SUMMARY:Preliminary Hearing - People v. Doe\\, J. (Felony)",
          "DESCRIPTION:Preliminary examination. Counsel: PD Martinez.\\nInterpreter: Spanish.",
          "LOCATION:Rene C. Davidson Courthouse\\, Dept. 12",
          "X-COURT-DOCKET:26-CR-012345",
          "X-COURT-HEARING-TYPE:Prelim",
          "X-COURT-DEPARTMENT:Dept. 12",
          "X-COURT-JUDGE:Hon. Maria Alvarez",
          "STATUS:CONFIRMED",
          "END:VEVENT"};
}

std::vector<std::string> arraignment_event(bool cancelled) {
  std::vector<std::string> e{"BEGIN:VEVENT",
                             "UID:hearing-100377@calendar.alameda.courts.ca.gov",
                             "DTSTAMP:20260420T060000Z",
                             "SEQUENCE:" + std::string(cancelled ? "1" : "0"),
                             "DTSTART:20260505T163000Z",
                             "DTEND:20260505T170000Z",
                             "SUMMARY:Arraignment 26CR013001",
                             "LOCATION:Dept. 9"};
  if (cancelled) {
    e.emplace_back("STATUS:CANCELLED");
    e.emplace_back("X-COURT-CANCEL-REASON:Complaint dismissed at filing (PC 1385)");
  }
  e.emplace_back("END:VEVENT");
  return e;
}

// Weekly readiness conference on Thursdays at 09:00 court time, across the end of DST
// (Sunday 2026-11-01): 16:00Z while PDT, 17:00Z once PST.
const std::vector<std::string> kReadinessSeries{
    "BEGIN:VEVENT",
    "UID:series-7781@calendar.alameda.courts.ca.gov",
    "DTSTAMP:20260420T060000Z",
    "DTSTART;TZID=America/Los_Angeles:20261015T090000",
    "DTEND;TZID=America/Los_Angeles:20261015T093000",
    "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=5",
    "EXDATE;TZID=America/Los_Angeles:20261022T090000",
    "SUMMARY:Readiness Conference",
    "X-COURT-DOCKET:25-CR-004417",
    "LOCATION:Dept. 12",
    "END:VEVENT",
};

const std::vector<std::string> kTrialAllDay{
    "BEGIN:VEVENT",
    "UID:hearing-100402@calendar.alameda.courts.ca.gov",
    "DTSTAMP:20260420T060000Z",
    "DTSTART;VALUE=DATE:20260601",
    "SUMMARY:Jury Trial (Day 1) 24-CR-998877",
    "END:VEVENT",
};

// Exchange writes Windows zone names.
const std::vector<std::string> kSentencingWindowsZone{
    "BEGIN:VEVENT",
    "UID:040000008200E00074C5B7101A82E0080000000010C4C8A3B2D0DA01000000000000000010000000",
    "DTSTAMP:20260420T060000Z",
    "DTSTART;TZID=\"Pacific Standard Time\":20261203T133000",
    "DURATION:PT45M",
    "SUMMARY:Judgment and Sentencing",
    "DESCRIPTION:People v. Smith\\; Case No. 23-CR-000512.",
    "END:VEVENT",
};

const std::vector<std::string> kMotionFloating{
    "BEGIN:VEVENT",
    "UID:hearing-100455@calendar.alameda.courts.ca.gov",
    "DTSTAMP:20260420T060000Z",
    "DTSTART:20260715T100000",
    "SUMMARY:Motion to Suppress (PC 1538.5)",
    "X-COURT-DOCKET:26-CR-012345",
    "END:VEVENT",
};

const std::vector<std::string> kRestitution{
    "BEGIN:VEVENT",
    "UID:hearing-100460@calendar.alameda.courts.ca.gov",
    "DTSTAMP:20260420T060000Z",
    "DTSTART;TZID=America/Los_Angeles:20260820T140000",
    "DTEND;TZID=America/Los_Angeles:20260820T150000",
    "SUMMARY:Restitution Hearing",
    "DESCRIPTION:People v. Roe\\, Case No. 25-CR-009876.\\nVictim restitution per PC 1202.4(f).",
    "X-COURT-JUDGE:Hon. D. Chen",
    "END:VEVENT",
};

std::string day_one_feed() {
  return ics(calendar(prelim_event(0, "20260504T083000") + arraignment_event(false) + kReadinessSeries +
                      kTrialAllDay + kSentencingWindowsZone + kMotionFloating + kRestitution));
}

const HearingRecord* find(const ParseResult& r, const std::string& uid, std::optional<TimePoint> rid = std::nullopt) {
  for (const HearingRecord& rec : r.records) {
    if (rec.source_uid == uid && (!rid || rec.recurrence_id == rid)) return &rec;
  }
  return nullptr;
}

TEST(IcalParser, ReadsTheCourtsDailyFeed) {
  const auto r = parse_ical(day_one_feed(), kYear2026);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->method, "PUBLISH");
  EXPECT_TRUE(r->rejections.empty()) << r->rejections.front().reason;
  ASSERT_EQ(r->records.size(), 10u);  // 6 single hearings + 4 readiness instances

  const HearingRecord* prelim = find(*r, "hearing-100231@calendar.alameda.courts.ca.gov");
  ASSERT_NE(prelim, nullptr);
  EXPECT_EQ(prelim->uid, prelim->source_uid);
  EXPECT_EQ(prelim->sequence, 0);
  EXPECT_EQ(prelim->docket, "26-CR-012345");
  EXPECT_EQ(prelim->normalized_docket, "26CR012345");
  EXPECT_EQ(prelim->kind, HearingKind::preliminary_hearing);
  EXPECT_EQ(prelim->kind_text, "Prelim");
  EXPECT_EQ(prelim->starts_at, utc(2026, 5, 4, 15, 30));  // 08:30 PDT
  EXPECT_EQ(prelim->ends_at, utc(2026, 5, 4, 16, 30));
  EXPECT_FALSE(prelim->all_day);
  EXPECT_EQ(prelim->department, "Dept. 12");
  EXPECT_EQ(prelim->judge, "Hon. Maria Alvarez");
  EXPECT_EQ(prelim->status, HearingStatus::scheduled);
  EXPECT_EQ(prelim->summary, "Preliminary Hearing - People v. Doe, J. (Felony)");
  EXPECT_EQ(prelim->recurrence_id, std::nullopt);
  EXPECT_FALSE(prelim->moved());
  EXPECT_EQ(prelim->line, std::nullopt);
  EXPECT_EQ(prelim->x_properties, (std::map<std::string, std::string>{{"X-COURT-DOCKET", "26-CR-012345"},
                                                                      {"X-COURT-HEARING-TYPE", "Prelim"},
                                                                      {"X-COURT-DEPARTMENT", "Dept. 12"},
                                                                      {"X-COURT-JUDGE", "Hon. Maria Alvarez"}}));

  const HearingRecord* arr = find(*r, "hearing-100377@calendar.alameda.courts.ca.gov");
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->docket, "26CR013001");  // from SUMMARY
  EXPECT_EQ(arr->kind, HearingKind::arraignment);
  EXPECT_EQ(arr->kind_text, "Arraignment 26CR013001");
  EXPECT_EQ(arr->starts_at, utc(2026, 5, 5, 16, 30));
  EXPECT_EQ(arr->ends_at, utc(2026, 5, 5, 17, 0));
  EXPECT_EQ(arr->department, "Dept. 9");  // LOCATION when no X-…-DEPARTMENT

  const std::string series = "series-7781@calendar.alameda.courts.ca.gov";
  std::vector<TimePoint> starts;
  for (const HearingRecord& rec : r->records) {
    if (rec.source_uid != series) continue;
    starts.push_back(rec.starts_at);
    EXPECT_EQ(rec.recurrence_id, rec.starts_at);
    EXPECT_FALSE(rec.moved());
    EXPECT_EQ(rec.kind, HearingKind::readiness);
    EXPECT_EQ(rec.docket, "25-CR-004417");
    ASSERT_TRUE(rec.ends_at.has_value());
    EXPECT_EQ(*rec.ends_at - rec.starts_at, minutes{30});
  }
  // COUNT=5 from Oct 15: 15, 22 (EXDATE), 29, Nov 5, Nov 12. DST ends Nov 1.
  EXPECT_EQ(starts, (std::vector<TimePoint>{utc(2026, 10, 15, 16), utc(2026, 10, 29, 16), utc(2026, 11, 5, 17),
                                            utc(2026, 11, 12, 17)}));

  const HearingRecord* trial = find(*r, "hearing-100402@calendar.alameda.courts.ca.gov");
  ASSERT_NE(trial, nullptr);
  EXPECT_TRUE(trial->all_day);
  EXPECT_EQ(trial->starts_at, utc(2026, 6, 1, 7));  // local midnight, PDT
  EXPECT_EQ(trial->ends_at, utc(2026, 6, 2, 7));
  EXPECT_EQ(trial->kind, HearingKind::trial);
  EXPECT_EQ(trial->docket, "24-CR-998877");

  const HearingRecord* sentencing =
      find(*r, "040000008200E00074C5B7101A82E0080000000010C4C8A3B2D0DA01000000000000000010000000");
  ASSERT_NE(sentencing, nullptr);
  EXPECT_EQ(sentencing->starts_at, utc(2026, 12, 3, 21, 30));  // 13:30 PST
  EXPECT_EQ(sentencing->ends_at, utc(2026, 12, 3, 22, 15));
  EXPECT_EQ(sentencing->kind, HearingKind::sentencing);
  EXPECT_EQ(sentencing->docket, "23-CR-000512");  // from DESCRIPTION

  const HearingRecord* motion = find(*r, "hearing-100455@calendar.alameda.courts.ca.gov");
  ASSERT_NE(motion, nullptr);
  EXPECT_EQ(motion->starts_at, utc(2026, 7, 15, 17));  // floating: court-local, PDT
  EXPECT_EQ(motion->ends_at, std::nullopt);
  EXPECT_EQ(motion->kind, HearingKind::motion);

  const HearingRecord* rest = find(*r, "hearing-100460@calendar.alameda.courts.ca.gov");
  ASSERT_NE(rest, nullptr);
  EXPECT_EQ(rest->kind, HearingKind::restitution);
  EXPECT_EQ(rest->docket, "25-CR-009876");
  EXPECT_EQ(rest->judge, "Hon. D. Chen");
  EXPECT_EQ(rest->starts_at, utc(2026, 8, 20, 21));
}

// --- The next day: a continuance, a moved instance, a cancellation, a new hearing --------

std::string day_two_feed() {
  const std::vector<std::string> moved_instance{
      "BEGIN:VEVENT",
      "UID:series-7781@calendar.alameda.courts.ca.gov",
      "DTSTAMP:20260421T060000Z",
      "SEQUENCE:1",
      "RECURRENCE-ID;TZID=America/Los_Angeles:20261029T090000",
      "DTSTART;TZID=America/Los_Angeles:20261030T100000",
      "DTEND;TZID=America/Los_Angeles:20261030T103000",
      "SUMMARY:Readiness Conference (continued at request of defense)",
      "X-COURT-DOCKET:25-CR-004417",
      "END:VEVENT",
  };
  const std::vector<std::string> new_hearing{
      "BEGIN:VEVENT",
      "UID:hearing-100501@calendar.alameda.courts.ca.gov",
      "DTSTAMP:20260421T060000Z",
      "DTSTART;TZID=America/Los_Angeles:20260611T133000",
      "DTEND;TZID=America/Los_Angeles:20260611T143000",
      "SUMMARY:Motion to Continue Trial",
      "X-COURT-DOCKET:24-CR-998877",
      "END:VEVENT",
  };
  // The prelim moved two weeks (SEQUENCE 1); a stale copy of the old version (SEQUENCE 0)
  // later in the file must not win.
  return ics(calendar(prelim_event(1, "20260518T083000") + arraignment_event(true) + kReadinessSeries +
                      moved_instance + kTrialAllDay + new_hearing + prelim_event(0, "20260504T083000")));
}

TEST(IcalParser, NextDaysFeedShowsContinuanceCancellationAndNewHearing) {
  const auto r = parse_ical(day_two_feed(), kYear2026);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->rejections.empty());
  ASSERT_EQ(r->records.size(), 8u);  // prelim, arraignment, 4 readiness, trial, new motion

  const HearingRecord* prelim = find(*r, "hearing-100231@calendar.alameda.courts.ca.gov");
  ASSERT_NE(prelim, nullptr);
  EXPECT_EQ(prelim->sequence, 1);
  EXPECT_EQ(prelim->starts_at, utc(2026, 5, 18, 15, 30));
  EXPECT_EQ(std::count_if(r->records.begin(), r->records.end(),
                          [](const HearingRecord& x) {
                            return x.source_uid == "hearing-100231@calendar.alameda.courts.ca.gov";
                          }),
            1);

  const HearingRecord* arr = find(*r, "hearing-100377@calendar.alameda.courts.ca.gov");
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->status, HearingStatus::cancelled);
  EXPECT_EQ(arr->cancel_reason, "Complaint dismissed at filing (PC 1385)");
  EXPECT_EQ(arr->sequence, 1);

  const std::string series = "series-7781@calendar.alameda.courts.ca.gov";
  const HearingRecord* moved = find(*r, series, utc(2026, 10, 29, 16));
  ASSERT_NE(moved, nullptr);
  EXPECT_TRUE(moved->moved());
  EXPECT_EQ(moved->starts_at, utc(2026, 10, 30, 17));  // Friday 10:00 PDT
  EXPECT_EQ(moved->ends_at, utc(2026, 10, 30, 17, 30));
  EXPECT_EQ(moved->sequence, 1);
  EXPECT_EQ(moved->kind, HearingKind::readiness);
  const HearingRecord* unmoved = find(*r, series, utc(2026, 11, 5, 17));
  ASSERT_NE(unmoved, nullptr);
  EXPECT_FALSE(unmoved->moved());

  const HearingRecord* added = find(*r, "hearing-100501@calendar.alameda.courts.ca.gov");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->kind, HearingKind::motion);
  EXPECT_EQ(added->normalized_docket, "24CR998877");
  EXPECT_EQ(added->starts_at, utc(2026, 6, 11, 20, 30));

  EXPECT_EQ(find(*r, "hearing-100402@calendar.alameda.courts.ca.gov")->starts_at, utc(2026, 6, 1, 7));
}

TEST(IcalParser, MethodCancelCancelsEveryEvent) {
  const auto r = parse_ical(ics(calendar(arraignment_event(false) + kReadinessSeries, "CANCEL")), kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "CANCEL");
  ASSERT_EQ(r->records.size(), 5u);
  for (const HearingRecord& rec : r->records) EXPECT_EQ(rec.status, HearingStatus::cancelled);
}

TEST(IcalParser, CancelledInstanceOfASeries) {
  const auto r = parse_ical(ics(calendar(kReadinessSeries + std::vector<std::string>{
                                                               "BEGIN:VEVENT",
                                                               "UID:series-7781@calendar.alameda.courts.ca.gov",
                                                               "SEQUENCE:2",
                                                               "RECURRENCE-ID:20261105T170000Z",
                                                               "DTSTART:20261105T170000Z",
                                                               "STATUS:CANCELED",
                                                               "COMMENT:Court closed (staff training)",
                                                               "SUMMARY:Readiness Conference",
                                                               "END:VEVENT",
                                                           })),
                            kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 4u);
  const HearingRecord* cancelled = find(*r, "series-7781@calendar.alameda.courts.ca.gov", utc(2026, 11, 5, 17));
  ASSERT_NE(cancelled, nullptr);
  EXPECT_EQ(cancelled->status, HearingStatus::cancelled);  // the American spelling too
  EXPECT_EQ(cancelled->cancel_reason, "Court closed (staff training)");
  EXPECT_FALSE(cancelled->moved());
  EXPECT_EQ(cancelled->docket, "");  // the override carries its own properties only
}

// --- Syntax --------------------------------------------------------------------------------

TEST(IcalParser, UnfoldsBareLfAndTabContinuationsAndSkipsBom) {
  const std::string text =
      "\xEF\xBB\xBF"
      "BEGIN:VCALENDAR\n"
      "BEGIN:VEVENT\n"
      "UID:fold-1\n"
      "DTSTART:20260504T153000Z\n"
      "SUMMARY:Preliminary Hea\n"
      "\tring - People v. Doe\\, \n"
      " 26-CR-0\n"
      " 12345\n"
      "DESCRIPTION:Line one\\nLine two\\; semi\\\\back\\,comma\n"
      "X-COURT-NOTE:interpreter\\, Spanish\n"
      "END:VEVENT\n"
      "END:VCALENDAR\n";
  const auto r = parse_ical(text, kYear2026);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->records.size(), 1u);
  const HearingRecord& rec = r->records[0];
  EXPECT_EQ(rec.summary, "Preliminary Hearing - People v. Doe, 26-CR-012345");
  EXPECT_EQ(rec.docket, "26-CR-012345");
  EXPECT_EQ(rec.kind, HearingKind::preliminary_hearing);
  EXPECT_EQ(rec.x_properties.at("X-COURT-NOTE"), "interpreter, Spanish");
}

TEST(IcalParser, TextUnescaping) {
  const std::string text = ics({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:esc-1", "DTSTART:20260504T153000Z",
                                "SUMMARY:Line one\\nLine two\\; semi\\\\back\\,comma", "END:VEVENT",
                                "END:VCALENDAR"});
  const auto r = parse_ical(text, kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].summary, "Line one\nLine two; semi\\back,comma");
}

TEST(IcalParser, LoneCrLineEndings) {
  const std::string text =
      "BEGIN:VCALENDAR\rBEGIN:VEVENT\rUID:cr-1\rDTSTART:20260504T153000Z\rSUMMARY:Arraignment\rEND:VEVENT\r"
      "END:VCALENDAR\r";
  const auto r = parse_ical(text, kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].kind, HearingKind::arraignment);
}

TEST(IcalParser, BareVeventIsAccepted) {
  const auto r = parse_ical(ics({"BEGIN:VEVENT", "UID:bare-1", "DTSTART:20260504T153000Z", "SUMMARY:Sentencing",
                                 "END:VEVENT"}),
                            kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->method, "");
}

TEST(IcalParser, StrayEndIsRejectedWithItsLineAndTheRestIsRead) {
  const std::string text = ics({"BEGIN:VCALENDAR", "END:VTODO", "BEGIN:VEVENT", "UID:ok-1",
                                "DTSTART:20260504T153000Z", "END:VEVENT", "END:VCALENDAR"});
  const auto r = parse_ical(text, kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->rejections,
            (std::vector<Rejection>{{2, std::nullopt, "END:VTODO without a matching BEGIN; line ignored"}}));
}

TEST(IcalParser, BeginOrEndWithoutANameIsIgnored) {
  // libical would pop a component on "END;" (found by tools/fuzz): this pass drops both lines.
  const std::string text = ics({"BEGIN:VCALENDAR", "BEGIN:", "END;", "BEGIN:VEVENT", "UID:ok-2",
                                "DTSTART:20260504T153000Z", "END:VEVENT", "END:VCALENDAR"});
  const auto r = parse_ical(text, kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->rejections, (std::vector<Rejection>{{2, std::nullopt, "BEGIN without a component name; line ignored"},
                                                   {3, std::nullopt, "END without a component name; line ignored"}}));
}

TEST(IcalParser, EventClosedByTheCalendarEndIsReadAndReported) {
  const std::string text = ics({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:open-1", "DTSTART:20260504T153000Z",
                                "END:VCALENDAR"});
  const auto r = parse_ical(text, kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->rejections,
            (std::vector<Rejection>{
                {2, std::nullopt, "BEGIN:VEVENT has no END before END:VCALENDAR on line 5; closed there"}}));
}

TEST(IcalParser, FilesThatAreNotICalendarAreErrors) {
  struct Row {
    std::string name;
    std::string bytes;
    std::string message;
  };
  const std::vector<Row> rows{
      {"empty", "", "not an iCalendar file: no BEGIN:VCALENDAR"},
      {"text", "hello, world\n", "not an iCalendar file: no BEGIN:VCALENDAR"},
      {"csv", "CaseNumber,HearingDate\n26-CR-1,4/19/2026\n", "not an iCalendar file: no BEGIN:VCALENDAR"},
      {"utf16", std::string("\xFF\xFE" "B\0E\0", 6), "UTF-16 text: export the calendar as UTF-8"},
      {"nul", std::string("BEGIN:VCALENDAR\n\0\nEND:VCALENDAR\n", 32),
       "NUL bytes in the file: not an iCalendar text file"},
      {"truncated", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20260504T153000Z\nEND:VEVENT\n",
       "truncated: BEGIN:VCALENDAR on line 1 has no END:VCALENDAR"},
      {"todo", "BEGIN:VTODO\nUID:x\nEND:VTODO\n", "not an iCalendar calendar: the file holds VTODO, not a VCALENDAR"},
  };
  for (const Row& row : rows) {
    const auto r = parse_ical(row.bytes, kYear2026);
    ASSERT_FALSE(r.has_value()) << row.name;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << row.name;
    ASSERT_EQ(r.error().fields.size(), 1u) << row.name;
    EXPECT_EQ(r.error().fields[0].field, "file") << row.name;
    EXPECT_EQ(r.error().fields[0].message, row.message) << row.name;
  }
}

TEST(IcalParser, SizeLimitAndBadOptions) {
  IcalOptions small;
  small.max_bytes = 10;
  const auto big = parse_ical(day_one_feed(), kYear2026, small);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, ErrorCode::payload_too_large);

  IcalOptions bad_zone;
  bad_zone.time_zone = "Mars/Olympus_Mons";
  const auto z = parse_ical(day_one_feed(), kYear2026, bad_zone);
  ASSERT_FALSE(z.has_value());
  EXPECT_EQ(z.error().fields.at(0).field, "time_zone");
}

// --- Time zones ----------------------------------------------------------------------------

std::string one_event(const std::vector<std::string>& props, const std::vector<std::string>& cal_props = {},
                      const std::vector<std::string>& extra = {}) {
  std::vector<std::string> lines{"BEGIN:VCALENDAR", "VERSION:2.0"};
  lines.insert(lines.end(), cal_props.begin(), cal_props.end());
  lines.insert(lines.end(), extra.begin(), extra.end());
  lines.emplace_back("BEGIN:VEVENT");
  lines.insert(lines.end(), props.begin(), props.end());
  lines.emplace_back("END:VEVENT");
  lines.emplace_back("END:VCALENDAR");
  return ics(lines);
}

TimePoint start_of(const std::string& text) {
  const auto r = parse_ical(text, kYear2026);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  if (!r || r->records.size() != 1) {
    ADD_FAILURE() << "expected one record, rejections: " << (r && !r->rejections.empty() ? r->rejections[0].reason : "");
    return {};
  }
  return r->records[0].starts_at;
}

TEST(IcalParserZones, EveryWayOfNamingTheCourtsZone) {
  struct Row {
    std::string dtstart;
    TimePoint expected;
  };
  const std::vector<Row> rows{
      {"DTSTART:20260715T100000Z", utc(2026, 7, 15, 10)},
      {"DTSTART:20260715T100000", utc(2026, 7, 15, 17)},  // floating = court-local
      {"DTSTART;TZID=America/Los_Angeles:20260715T100000", utc(2026, 7, 15, 17)},
      {"DTSTART;TZID=US/Pacific:20260715T100000", utc(2026, 7, 15, 17)},
      {"DTSTART;TZID=\"Pacific Standard Time\":20260715T100000", utc(2026, 7, 15, 17)},
      {"DTSTART;TZID=\"(UTC-08:00) Pacific Time (US & Canada)\":20260715T100000", utc(2026, 7, 15, 17)},
      {"DTSTART;TZID=/mozilla.org/20070129_1/America/Los_Angeles:20260715T100000", utc(2026, 7, 15, 17)},
      {"DTSTART;TZID=America/Los Angeles:20260715T100000", utc(2026, 7, 15, 17)},
      {"DTSTART;TZID=Eastern Standard Time:20260715T100000", utc(2026, 7, 15, 14)},
      {"DTSTART;TZID=Europe/London:20261203T100000", utc(2026, 12, 3, 10)},
      // DST edges on the court's clock: 02:30 does not exist on 2026-03-08 (offset before the
      // gap); 01:30 happens twice on 2026-11-01 (the first).
      {"DTSTART:20260308T023000", utc(2026, 3, 8, 10, 30)},
      {"DTSTART:20261101T013000", utc(2026, 11, 1, 8, 30)},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(start_of(one_event({"UID:z", row.dtstart})), row.expected) << row.dtstart;
  }
  EXPECT_EQ(iana_zone_for("Pacific Standard Time"), "America/Los_Angeles");
  EXPECT_EQ(iana_zone_for("/freeassociation.sourceforge.net/Tzfile/Europe/Berlin"), "Europe/Berlin");
  EXPECT_EQ(iana_zone_for("posix/Europe/Vaduz"), "Europe/Vaduz");
  EXPECT_EQ(iana_zone_for("Western/Central Europe"), std::nullopt);
  EXPECT_EQ(iana_zone_for(""), std::nullopt);
}

TEST(IcalParserZones, VtimezoneWithoutAnIanaNameUsesItsOwnRules) {
  const std::vector<std::string> vtz{
      "BEGIN:VTIMEZONE",       "TZID:Court Local Time",   "BEGIN:DAYLIGHT",
      "TZOFFSETFROM:-0800",    "TZOFFSETTO:-0700",        "DTSTART:19700308T020000",
      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT", "BEGIN:STANDARD",
      "TZOFFSETFROM:-0700",    "TZOFFSETTO:-0800",        "DTSTART:19701101T020000",
      "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "END:STANDARD", "END:VTIMEZONE",
  };
  EXPECT_EQ(start_of(one_event({"UID:v1", "DTSTART;TZID=Court Local Time:20260715T100000"}, {}, vtz)),
            utc(2026, 7, 15, 17));
  EXPECT_EQ(start_of(one_event({"UID:v2", "DTSTART;TZID=Court Local Time:20261203T133000"}, {}, vtz)),
            utc(2026, 12, 3, 21, 30));
  // A VTIMEZONE after the event that uses it (a forward reference) is found as well.
  const std::string forward = ics(std::vector<std::string>{"BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:v3",
                                   "DTSTART;TZID=Court Local Time:20261203T133000", "END:VEVENT"} +
                                  vtz + std::vector<std::string>{"END:VCALENDAR"});
  EXPECT_EQ(start_of(forward), utc(2026, 12, 3, 21, 30));
  // X-LIC-LOCATION names the IANA zone: date/tz reads it.
  const std::vector<std::string> located{"BEGIN:VTIMEZONE", "TZID:Custom Eastern",
                                         "X-LIC-LOCATION:America/New_York", "END:VTIMEZONE"};
  EXPECT_EQ(start_of(one_event({"UID:v4", "DTSTART;TZID=Custom Eastern:20260715T100000"}, {}, located)),
            utc(2026, 7, 15, 14));
}

TEST(IcalParserZones, XWrTimezoneGovernsFloatingTimes) {
  EXPECT_EQ(start_of(one_event({"UID:w", "DTSTART:20260715T100000"}, {"X-WR-TIMEZONE:America/New_York"})),
            utc(2026, 7, 15, 14));
  IcalOptions ignore;
  ignore.use_x_wr_timezone = false;
  const auto r =
      parse_ical(one_event({"UID:w", "DTSTART:20260715T100000"}, {"X-WR-TIMEZONE:America/New_York"}), kYear2026, ignore);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->records.at(0).starts_at, utc(2026, 7, 15, 17));
}

TEST(IcalParserZones, UnknownTzidRejectsOnlyThatEvent) {
  const std::string text =
      ics({"BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:bad-zone", "DTSTART;TZID=Court/Nowhere:20260715T100000",
           "END:VEVENT", "BEGIN:VEVENT", "UID:good", "DTSTART:20260715T100000Z", "END:VEVENT", "END:VCALENDAR"});
  const auto r = parse_ical(text, kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].source_uid, "good");
  EXPECT_EQ(r->rejections,
            (std::vector<Rejection>{{std::nullopt, "bad-zone",
                                     "unknown time zone 'Court/Nowhere' in DTSTART (no IANA or Windows zone of "
                                     "that name and no VTIMEZONE for it)"}}));
}

// --- Components the parser rejects -------------------------------------------------------

TEST(IcalParser, BadComponentsAreRejectedWithUidAndReason) {
  struct Row {
    std::vector<std::string> props;
    std::string reason;
  };
  const std::vector<Row> rows{
      {{"UID:r1", "SUMMARY:Arraignment"}, "no DTSTART"},
      {{"UID:r2", "DTSTART:20260231T090000Z"}, "DTSTART is not a valid date between 1800 and 2400"},
      {{"UID:r2b", "DTSTART:2026-05-04 09:00"},
       "unreadable DTSTART: Can't parse as DATE-TIME value in DTSTART property. Removing entire property: "
       "2026-05-04 09:00"},
      {{"UID:r3", "DTSTART:20260504T090000Z", "DTEND:20260504T080000Z"}, "DTEND is before DTSTART"},
      {{"UID:r4", "DTSTART:20260504T090000Z", "RRULE:FREQ=FORTNIGHTLY"},
       "unreadable RRULE: Can't parse as RECUR value in RRULE property. Removing entire property: FREQ=FORTNIGHTLY"},
      {{"UID:r5", "DTSTART:30260504T090000Z"}, "DTSTART is not a valid date between 1800 and 2400"},
      {{"UID:r6", "DTSTART:20260504T090000Z", "DURATION:-PT1H"}, "negative DURATION"},
      {{"UID:r7", "DTSTART:20260504T090000Z", "RRULE:FREQ=DAILY;COUNT=2", "EXDATE:garbage"},
       "unreadable EXDATE: Can't parse as DATE-TIME value in EXDATE property. Removing entire property: garbage"},
      {{"UID:r8", "DTSTART:20260504T090000Z", "DURATION:P1200D"}, "DURATION longer than 1000 days"},
      {{"UID:r9", "DTSTART;VALUE=DATE:20260906", "RRULE:RSCALE=ETHIOPIC;FREQ=MONTHLY;BYMONTH=13"},
       "RRULE with RSCALE='ETHIOPIC' is not supported"},
  };
  for (const Row& row : rows) {
    const auto r = parse_ical(one_event(row.props), kYear2026);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->records.empty()) << row.reason;
    ASSERT_EQ(r->rejections.size(), 1u) << row.reason;
    EXPECT_EQ(r->rejections[0].uid, row.props[0].substr(4));
    EXPECT_EQ(r->rejections[0].reason, row.reason);
  }
}

// --- Recurrence ----------------------------------------------------------------------------

std::vector<TimePoint> starts(const ParseResult& r) {
  std::vector<TimePoint> out;
  for (const HearingRecord& rec : r.records) out.push_back(rec.starts_at);
  return out;
}

TEST(IcalRecurrence, OnlyInstancesInsideTheWindow) {
  const auto r = parse_ical(ics(calendar(kReadinessSeries)), TimeWindow{utc(2026, 10, 20), utc(2026, 11, 10)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(starts(*r), (std::vector<TimePoint>{utc(2026, 10, 29, 16), utc(2026, 11, 5, 17)}));
}

TEST(IcalRecurrence, UntilInUtcIsInclusiveOnTheLocalClock) {
  const auto r = parse_ical(
      one_event({"UID:u", "DTSTART;TZID=America/Los_Angeles:20261015T090000",
                 "RRULE:FREQ=WEEKLY;UNTIL=20261112T170000Z"}),
      kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(starts(*r), (std::vector<TimePoint>{utc(2026, 10, 15, 16), utc(2026, 10, 22, 16), utc(2026, 10, 29, 16),
                                                utc(2026, 11, 5, 17), utc(2026, 11, 12, 17)}));
}

TEST(IcalRecurrence, RdateAddsAndExdateRemoves) {
  const auto r = parse_ical(one_event({"UID:rd", "DTSTART;TZID=America/Los_Angeles:20260601T083000",
                                       "DURATION:PT2H",
                                       "RDATE;TZID=America/Los_Angeles:20260603T083000,20260605T083000",
                                       "RDATE;VALUE=PERIOD:20260610T160000Z/20260610T170000Z",
                                       "EXDATE;TZID=America/Los_Angeles:20260605T083000"}),
                            kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 3u);
  EXPECT_EQ(starts(*r), (std::vector<TimePoint>{utc(2026, 6, 1, 15, 30), utc(2026, 6, 3, 15, 30),
                                                utc(2026, 6, 10, 16)}));
  EXPECT_EQ(r->records[1].ends_at, utc(2026, 6, 3, 17, 30));
  EXPECT_EQ(r->records[2].ends_at, utc(2026, 6, 10, 17));  // the period's own end
}

TEST(IcalRecurrence, EmptyRdateChangesNothing) {
  const auto r = parse_ical(one_event({"UID:e", "DTSTART:20260504T160000Z", "RRULE:FREQ=DAILY;COUNT=2", "RDATE:"}),
                            kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->rejections.empty());
  EXPECT_EQ(starts(*r), (std::vector<TimePoint>{utc(2026, 5, 4, 16), utc(2026, 5, 5, 16)}));
}

TEST(IcalRecurrence, FloatingExdateIsReadOnTheSeriesClock) {
  const auto r = parse_ical(one_event({"UID:fx", "DTSTART;TZID=America/New_York:20260601T090000",
                                       "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20260602T090000"}),
                            kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(starts(*r), (std::vector<TimePoint>{utc(2026, 6, 1, 13), utc(2026, 6, 3, 13)}));
}

TEST(IcalRecurrence, AllDaySeriesAcrossDst) {
  const auto r = parse_ical(one_event({"UID:ad", "DTSTART;VALUE=DATE:20261030", "RRULE:FREQ=DAILY;COUNT=4"}),
                            kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 4u);
  EXPECT_EQ(starts(*r), (std::vector<TimePoint>{utc(2026, 10, 30, 7), utc(2026, 10, 31, 7), utc(2026, 11, 1, 7),
                                                utc(2026, 11, 2, 8)}));
  EXPECT_EQ(r->records[2].ends_at, utc(2026, 11, 2, 8));  // the 25-hour day
  for (const auto& rec : r->records) EXPECT_TRUE(rec.all_day);
}

TEST(IcalRecurrence, ExpansionIsCapped) {
  IcalOptions opts;
  opts.max_instances = 10;
  const auto r = parse_ical(one_event({"UID:cap", "DTSTART:20260101T170000Z", "RRULE:FREQ=DAILY"}), kYear2026, opts);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->records.size(), 10u);
  EXPECT_EQ(r->records.back().starts_at, utc(2026, 1, 10, 17));
  EXPECT_EQ(r->rejections,
            (std::vector<Rejection>{{std::nullopt, "cap",
                                     "recurring event has more than 10 instances in the window; only the first 10 "
                                     "were imported"}}));
}

TEST(IcalRecurrence, EndlessSecondlyRuleDoesNotHang) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto r =
      parse_ical(one_event({"UID:s", "DTSTART:19000101T000000Z", "RRULE:FREQ=SECONDLY"}), kYear2026);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->records.empty());
  ASSERT_EQ(r->rejections.size(), 1u);
  EXPECT_EQ(r->rejections[0].reason,
            "RRULE expansion stopped after 50000 occurrences before the end of the window");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds{10});
}

TEST(IcalRecurrence, OrphanOverrideIsKept) {
  // A REQUEST for one moved instance, without its series.
  const auto r = parse_ical(ics(calendar({"BEGIN:VEVENT", "UID:series-9", "SEQUENCE:3",
                                          "RECURRENCE-ID;TZID=America/Los_Angeles:20260604T090000",
                                          "DTSTART;TZID=America/Los_Angeles:20260608T090000",
                                          "SUMMARY:Readiness Conference", "END:VEVENT"},
                                         "REQUEST")),
                            kYear2026);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->records[0].recurrence_id, utc(2026, 6, 4, 16));
  EXPECT_EQ(r->records[0].starts_at, utc(2026, 6, 8, 16));
  EXPECT_TRUE(r->records[0].moved());
}

// --- Mapping -------------------------------------------------------------------------------

TEST(IcalParser, FeedMappingNamesTheProperties) {
  IcalOptions opts;
  opts.mapping.docket = "X-SC-CASE";
  opts.mapping.hearing_type = "X-SC-EVENT";
  opts.mapping.hearing_id = "X-SC-HEARING-ID";
  opts.mapping.department = "X-SC-ROOM";
  opts.mapping.judge = "X-SC-OFFICER";
  opts.mapping.status = "X-SC-STATUS";
  const std::string text = one_event({"UID:a8f3c2@sc", "DTSTART:20260504T153000Z",
                                      "SUMMARY:Doe 26-CR-999999 Arraignment", "X-COURT-DOCKET:26-CR-888888",
                                      "X-SC-CASE:26-CR-012345", "X-SC-EVENT:Jury Trial", "X-SC-HEARING-ID:H-2291",
                                      "X-SC-ROOM:Dept. 7", "X-SC-OFFICER:Hon. P. Okafor", "X-SC-STATUS:Vacated"});
  const auto r = parse_ical(text, kYear2026, opts);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->records.size(), 1u);
  const HearingRecord& rec = r->records[0];
  EXPECT_EQ(rec.docket, "26-CR-012345");
  EXPECT_EQ(rec.kind, HearingKind::trial);
  EXPECT_EQ(rec.source_uid, "H-2291");
  EXPECT_EQ(rec.uid, "a8f3c2@sc");
  EXPECT_EQ(rec.department, "Dept. 7");
  EXPECT_EQ(rec.judge, "Hon. P. Okafor");
  EXPECT_EQ(rec.status, HearingStatus::cancelled);
  EXPECT_EQ(rec.note, "Vacated");

  // A mapped property that is absent leaves the field empty (no fallback to SUMMARY).
  const auto r2 = parse_ical(one_event({"UID:b", "DTSTART:20260504T153000Z", "SUMMARY:Arraignment 26-CR-999999"}),
                             kYear2026, opts);
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->records.at(0).docket, "");
  EXPECT_EQ(r2->records.at(0).kind, HearingKind::other);
  EXPECT_EQ(r2->records.at(0).source_uid, "b");

  // The mapped status may say the hearing was held; a STATUS:CANCELLED still wins.
  const auto held = parse_ical(one_event({"UID:c", "DTSTART:20260504T153000Z", "X-SC-STATUS:Heard"}), kYear2026, opts);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->records.at(0).status, HearingStatus::held);
  EXPECT_EQ(held->records.at(0).note, "Heard");
  const auto both = parse_ical(one_event({"UID:d", "DTSTART:20260504T153000Z", "STATUS:CANCELLED", "X-SC-STATUS:Held"}),
                               kYear2026, opts);
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->records.at(0).status, HearingStatus::cancelled);
}

// --- Seeds for tools/fuzz --------------------------------------------------------------------

// With HEATWATCH_FUZZ_SEED_DIR set, writes the feeds these tests parse into <dir>/ical/, where
// tools/fuzz picks them up as the start of its corpus. Does nothing otherwise.
TEST(FuzzSeeds, WritesTheIcalFeeds) {
  const char* dir = std::getenv("HEATWATCH_FUZZ_SEED_DIR");
  if (dir == nullptr || *dir == '\0') return;
  const std::filesystem::path out = std::filesystem::path(dir) / "ical";
  std::filesystem::create_directories(out);
  const std::vector<std::pair<std::string, std::string>> seeds{
      {"day_one.ics", day_one_feed()},
      {"day_two.ics", day_two_feed()},
      {"cancel.ics", ics(calendar(arraignment_event(false) + kReadinessSeries, "CANCEL"))},
      {"rdate.ics", one_event({"UID:rd", "DTSTART;TZID=America/Los_Angeles:20260601T083000", "DURATION:PT2H",
                               "RDATE;TZID=America/Los_Angeles:20260603T083000,20260605T083000",
                               "RDATE;VALUE=PERIOD:20260610T160000Z/20260610T170000Z",
                               "EXDATE;TZID=America/Los_Angeles:20260605T083000"})},
      {"windows_zone.ics", one_event({"UID:w", "DTSTART;TZID=\"Pacific Standard Time\":20260715T100000",
                                      "RRULE:FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270101T000000Z"})},
  };
  for (const auto& [name, text] : seeds) {
    std::ofstream(out / name, std::ios::binary) << text;
  }
}

// --- The shared corpora ----------------------------------------------------------------------

// ../shared/corpora beside the project root: from HEATWATCH_SOURCE_DIR, else found by
// walking up from this source file and from the working directory.
std::vector<std::filesystem::path> corpus_candidates() {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  if (const char* src = std::getenv("HEATWATCH_SOURCE_DIR"); src != nullptr && *src != '\0') {
    out.push_back(fs::path(src) / ".." / "shared" / "corpora");
  }
  std::error_code ec;
  for (fs::path start : {fs::path(__FILE__).parent_path(), fs::current_path(ec)}) {
    for (fs::path p = start; !p.empty(); p = p.parent_path()) {
      out.push_back(p / "shared" / "corpora");
      if (p == p.parent_path()) break;
    }
  }
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(SharedCorpora, EveryFileIsImportedOrRejectedWithReasons) {
  namespace fs = std::filesystem;
  fs::path root;
  std::string looked;
  for (const fs::path& p : corpus_candidates()) {
    looked += "\n  " + p.lexically_normal().string();
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      root = p;
      break;
    }
  }
  ASSERT_FALSE(root.empty()) << "the shared corpora folder (../shared/corpora beside the project) is absent; "
                                "looked in:"
                             << looked;

  std::size_t files = 0, imported = 0, errors = 0, records = 0, rejections = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const fs::path& path = entry.path();
    const std::string ext = path.extension().string();
    if (ext != ".ics" && ext != ".ical" && ext != ".ifb" && ext != ".csv") continue;
    ++files;
    const std::string bytes = read_file(path);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = ext == ".csv" ? parse_csv(bytes) : parse_ical(bytes, kYear2026);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds{5}) << path;
    if (r) {
      ++imported;
      records += r->records.size();
      rejections += r->rejections.size();
      for (const Rejection& rj : r->rejections) EXPECT_FALSE(rj.reason.empty()) << path;
      for (const HearingRecord& rec : r->records) {
        EXPECT_GE(rec.starts_at, utc(1800, 1, 1)) << path;
        if (rec.ends_at) {
          EXPECT_GE(*rec.ends_at, rec.starts_at) << path;
        }
      }
    } else {
      ++errors;
      const Error& e = r.error();
      EXPECT_TRUE(!e.message.empty() && (e.fields.empty() || !e.fields[0].message.empty())) << path;
    }
    // Whatever the file, the other parser must not crash on it either.
    (void)parse_csv(bytes);
  }
  std::cout << "[ corpora  ] " << root.lexically_normal().string() << ": " << files << " files, " << imported
            << " imported (" << records << " records, " << rejections << " rejections), " << errors
            << " rejected as a whole\n";
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace heat::adapters
