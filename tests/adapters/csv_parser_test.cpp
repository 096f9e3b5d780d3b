#include "adapters/csv_parser.hpp"

#include <gtest/gtest.h>

#include <date/date.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace heat::adapters {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint utc(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return TimePoint{date::sys_days{date::year{y} / m / d}} + hours{h} + minutes{min};
}

std::string crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// --- RFC 4180 reading ----------------------------------------------------------------------

TEST(ReadCsvRows, QuotesDoubledQuotesAndEmbeddedNewlines) {
  const std::string text =
      "a,b,c\r\n"
      "\"Doe, John\",\"He said \"\"no\"\"\",3\r\n"
      "\"two\r\nlines\",x,\r\n"
      "\r\n"
      "last,\"\",end";
  const auto rows = read_csv_rows(text);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (CsvRow{1, {"a", "b", "c"}, ""}));
  EXPECT_EQ(rows[1], (CsvRow{2, {"Doe, John", "He said \"no\"", "3"}, ""}));
  EXPECT_EQ(rows[2], (CsvRow{3, {"two\nlines", "x", ""}, ""}));
  EXPECT_EQ(rows[3], (CsvRow{6, {"last", "", "end"}, ""}));  // line 5 was blank
}

TEST(ReadCsvRows, BomLfLoneCrAndTrailingDelimiter) {
  const auto rows = read_csv_rows("\xEF\xBB\xBFh1,h2\nv1,\rv3,v4,");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"v1", ""}));
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"v3", "v4", ""}));
  EXPECT_EQ(rows[2].line, 3u);
}

TEST(ReadCsvRows, MalformedRecordsAreMarked) {
  const auto rows = read_csv_rows("a,b\n\"x\"y,z\nok,1\n\"never closed,2\nmore\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].error, "text after the closing quote of field 1");
  EXPECT_EQ(rows[2].error, "");
  EXPECT_EQ(rows[3].line, 4u);
  EXPECT_EQ(rows[3].error, "a quoted field opened on line 4 is never closed");
  EXPECT_EQ(rows[3].fields.at(0), "never closed,2\nmore\n");
}

TEST(ReadCsvRows, SpacesAroundQuotedFieldsAndOtherDelimiters) {
  const auto rows = read_csv_rows("a; \"b;c\" ;d\n", ';');
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a", "b;c", "d"}));
  EXPECT_EQ(rows[0].error, "");
}

// --- Dates and times -----------------------------------------------------------------------

TEST(ParseCourtDate, TheFormatsCourtsExport) {
  using std::chrono::year_month_day;
  const year_month_day apr19{std::chrono::year{2019}, std::chrono::month{4}, std::chrono::day{19}};
  for (const char* s : {"4/19/2019", "04/19/2019", "2019-04-19", "2019/04/19", "4/19/19", " 4/19/2019 ", "4-19-2019"}) {
    EXPECT_EQ(parse_court_date(s), apr19) << s;
  }
  for (const char* s : {"", "19/4/2019", "4/31/2019", "2/29/2019", "2019-4-19-1", "4/19", "April 19, 2019",
                        "4/19/2019x", "4/19-2019", "00/10/2019", "1/1/1776", "123/1/2019"}) {
    EXPECT_EQ(parse_court_date(s), std::nullopt) << s;
  }
  EXPECT_EQ(parse_court_date("2/29/2024"),
            (year_month_day{std::chrono::year{2024}, std::chrono::month{2}, std::chrono::day{29}}));
}

TEST(ParseCourtTime, TheFormatsCourtsExport) {
  using std::chrono::seconds;
  struct Row {
    const char* text;
    std::chrono::seconds value;
  };
  const std::vector<Row> ok{
      {"1:30 PM", hours{13} + minutes{30}}, {"01:30 PM", hours{13} + minutes{30}}, {"13:30", hours{13} + minutes{30}},
      {"8:30AM", hours{8} + minutes{30}},   {"8:30 a.m.", hours{8} + minutes{30}}, {"12:00 PM", hours{12}},
      {"12:15 AM", minutes{15}},            {"0830", hours{8} + minutes{30}},      {"13:30:15", hours{13} + minutes{30} + seconds{15}},
      {" 9:05 pm ", hours{21} + minutes{5}}, {"0:00", seconds{0}},
  };
  for (const Row& r : ok) EXPECT_EQ(parse_court_time(r.text), r.value) << r.text;
  for (const char* s : {"", "13:30 PM", "24:00", "9", "9:5", "0:30 AM", "8:60", "8:30 XM", "830", "noon", "8:30:7"}) {
    EXPECT_EQ(parse_court_time(s), std::nullopt) << s;
  }
}

// --- A court's daily export ----------------------------------------------------------------

// Mimics a superior court case-management export: a BOM, CRLF, a trailing space in one
// header name, quoted names with commas, a note with a line break, several date and time
// styles, status wording, and rows a human would have to fix.
std::string day_one_csv() {
  return crlf(
      "\xEF\xBB\xBF"
      "CaseNumber,Defendant,HearingDate ,HearingTime,HearingType,Dept,Judge,HearingID,Status,CancelReason,Notes\n"
      "26-CR-012345,\"DOE, JOHN\",4/19/2026,8:30 AM,Preliminary Hearing,Dept. 12,\"Alvarez, M.\",H-1001,Scheduled,,\n"
      "26CR013001,\"ROE, RICHARD\",04/20/2026,01:30 PM,Arraignment,Dept. 9,\"Chen, D.\",H-1002,,,\"Interpreter:\n"
      "Spanish\"\n"
      "25-CR-004417,\"SMITH, ALEX\",2026-04-21,13:30,Readiness Conference,Dept. 12,\"Alvarez, M.\",H-1003,Set,,\n"
      "24-CR-998877,\"LEE, KIM\",4/22/2026,8:30AM,Jury Trial,Dept. 3,\"Okafor, P.\",H-1004,Active,,\n"
      "23-CR-000512,\"PARK, SAM\",12/3/2026,1:30 PM,Judgment and Sentencing,Dept. 5,\"Okafor, P.\",H-1005,,,\n"
      "26-CR-020000,\"NGUYEN, TAM\",3/8/2026,2:30 AM,Bail Review,Dept. 1,,H-1006,,,DST gap\n"
      "26-CR-020001,\"GARCIA, ANA\",11/1/2026,1:30 AM,Bail Review,Dept. 1,,H-1007,,,DST overlap\n"
      "26-CR-020002,\"KHAN, OMAR\",5/7/2026,,Restitution Hearing,Dept. 5,,H-1008,,,no time\n"
      "26-CR-020003,\"BROWN, LEE\",4/31/2026,9:00 AM,Arraignment,Dept. 9,,H-1009,,,\n"
      "26-CR-020004,\"WHITE, JO\",5/1/2026,25:00,Arraignment,Dept. 9,,H-1010,,,\n"
      ",\"UNKNOWN\",5/1/2026,9:00 AM,Arraignment,Dept. 9,,,,,\n"
      "26-CR-020005,\"BLACK, AL\",5/1/2026,9:00 AM,Arraignment,Dept. 9,,H-1001,,,\n"
      "26-CR-020006,\"GRAY, BO\",5/1/2026,9:00 AM,Arraignment,Dept. 9,,H-1011,,,,,extra\n");
}

const HearingRecord* by_id(const ParseResult& r, const std::string& id) {
  for (const HearingRecord& rec : r.records) {
    if (rec.source_uid == id) return &rec;
  }
  return nullptr;
}

TEST(CsvParser, ReadsTheCourtsDailyExport) {
  const auto r = parse_csv(day_one_csv());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->method, "");
  ASSERT_EQ(r->records.size(), 8u);

  const HearingRecord* prelim = by_id(*r, "H-1001");
  ASSERT_NE(prelim, nullptr);
  EXPECT_EQ(prelim->line, 2u);
  EXPECT_EQ(prelim->docket, "26-CR-012345");
  EXPECT_EQ(prelim->normalized_docket, "26CR012345");
  EXPECT_EQ(prelim->kind, HearingKind::preliminary_hearing);
  EXPECT_EQ(prelim->kind_text, "Preliminary Hearing");
  EXPECT_EQ(prelim->starts_at, utc(2026, 4, 19, 15, 30));  // 08:30 PDT
  EXPECT_EQ(prelim->ends_at, std::nullopt);
  EXPECT_FALSE(prelim->all_day);
  EXPECT_EQ(prelim->department, "Dept. 12");
  EXPECT_EQ(prelim->judge, "Alvarez, M.");
  EXPECT_EQ(prelim->status, HearingStatus::scheduled);
  EXPECT_EQ(prelim->note, "");
  EXPECT_EQ(prelim->sequence, 0);
  EXPECT_EQ(prelim->uid, "");
  EXPECT_EQ(prelim->x_properties, (std::map<std::string, std::string>{{"Defendant", "DOE, JOHN"}}));

  const HearingRecord* arr = by_id(*r, "H-1002");
  ASSERT_NE(arr, nullptr);
  EXPECT_EQ(arr->line, 3u);
  EXPECT_EQ(arr->starts_at, utc(2026, 4, 20, 20, 30));
  EXPECT_EQ(arr->kind, HearingKind::arraignment);
  EXPECT_EQ(arr->x_properties.at("Notes"), "Interpreter:\nSpanish");

  // The embedded line break moves every later row down one physical line.
  const HearingRecord* rdy = by_id(*r, "H-1003");
  ASSERT_NE(rdy, nullptr);
  EXPECT_EQ(rdy->line, 5u);
  EXPECT_EQ(rdy->starts_at, utc(2026, 4, 21, 20, 30));
  EXPECT_EQ(rdy->kind, HearingKind::readiness);

  EXPECT_EQ(by_id(*r, "H-1004")->starts_at, utc(2026, 4, 22, 15, 30));
  EXPECT_EQ(by_id(*r, "H-1004")->kind, HearingKind::trial);
  EXPECT_EQ(by_id(*r, "H-1005")->starts_at, utc(2026, 12, 3, 21, 30));  // PST
  EXPECT_EQ(by_id(*r, "H-1005")->kind, HearingKind::sentencing);
  EXPECT_EQ(by_id(*r, "H-1006")->starts_at, utc(2026, 3, 8, 10, 30));   // in the spring gap
  EXPECT_EQ(by_id(*r, "H-1007")->starts_at, utc(2026, 11, 1, 8, 30));   // first of the two 01:30s
  const HearingRecord* no_time = by_id(*r, "H-1008");
  ASSERT_NE(no_time, nullptr);
  EXPECT_TRUE(no_time->all_day);
  EXPECT_EQ(no_time->starts_at, utc(2026, 5, 7, 7));
  EXPECT_EQ(no_time->kind, HearingKind::restitution);

  EXPECT_EQ(r->rejections,
            (std::vector<Rejection>{
                {11, std::nullopt, "invalid hearing date '4/31/2026' (expected M/D/YYYY or YYYY-MM-DD)"},
                {12, std::nullopt, "invalid hearing time '25:00' (expected 1:30 PM or 13:30)"},
                {13, std::nullopt, "no docket number and no hearing id"},
                {14, std::nullopt, "hearing id 'H-1001' already given on line 2"},
                {15, std::nullopt, "row has 13 fields but the header has 11"},
            }));
}

// The next day's export: H-1001 continued two weeks, H-1002 vacated, H-1003 off calendar,
// and a new hearing H-1012.
std::string day_two_csv() {
  return crlf(
      "CaseNumber,Defendant,HearingDate ,HearingTime,HearingType,Dept,Judge,HearingID,Status,CancelReason,Notes\n"
      "26-CR-012345,\"DOE, JOHN\",5/3/2026,8:30 AM,Preliminary Hearing,Dept. 12,\"Alvarez, M.\",H-1001,Continued,,"
      "Defense request\n"
      "26CR013001,\"ROE, RICHARD\",04/20/2026,01:30 PM,Arraignment,Dept. 9,\"Chen, D.\",H-1002,Vacated,"
      "Complaint dismissed (PC 1385),\n"
      "25-CR-004417,\"SMITH, ALEX\",2026-04-21,13:30,Readiness Conference,Dept. 12,\"Alvarez, M.\",H-1003,"
      "Off Calendar,,\n"
      "24-CR-998877,\"LEE, KIM\",4/22/2026,8:30AM,Jury Trial,Dept. 3,\"Okafor, P.\",H-1004,Active,,\n"
      "26-CR-012345,\"DOE, JOHN\",4/30/2026,9:00 AM,Motion to Suppress,Dept. 12,\"Alvarez, M.\",H-1012,,,\n");
}

TEST(CsvParser, NextDaysExportShowsContinuanceCancellationsAndNewHearing) {
  const auto r = parse_csv(day_two_csv());
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->rejections.empty());
  ASSERT_EQ(r->records.size(), 5u);

  const HearingRecord* continued = by_id(*r, "H-1001");
  EXPECT_EQ(continued->starts_at, utc(2026, 5, 3, 15, 30));
  EXPECT_EQ(continued->status, HearingStatus::scheduled);
  EXPECT_EQ(continued->note, "Continued");

  const HearingRecord* vacated = by_id(*r, "H-1002");
  EXPECT_EQ(vacated->status, HearingStatus::cancelled);
  EXPECT_EQ(vacated->note, "Vacated");
  EXPECT_EQ(vacated->cancel_reason, "Complaint dismissed (PC 1385)");

  EXPECT_EQ(by_id(*r, "H-1003")->status, HearingStatus::cancelled);
  EXPECT_EQ(by_id(*r, "H-1004")->status, HearingStatus::scheduled);
  EXPECT_EQ(by_id(*r, "H-1004")->note, "");

  const HearingRecord* added = by_id(*r, "H-1012");
  EXPECT_EQ(added->kind, HearingKind::motion);
  EXPECT_EQ(added->normalized_docket, "26CR012345");
  EXPECT_EQ(added->starts_at, utc(2026, 4, 30, 16));
}

TEST(CsvParser, ColumnMappingForAnotherCourtsLayout) {
  // A second court: no hearing id, its own headers, a combined date-time column, LF only.
  const std::string text =
      "Case No.,Event Desc,Event Date/Time,Courtroom,Judicial Officer,Result\n"
      "CR-26-004417,PX,2026-04-21 1:30 PM,301,Comm. Ruiz,\n"
      "CR-26-004418,Arraignment on Complaint,4/21/2026 08:30,302,Comm. Ruiz,Off-Calendar\n";
  CsvOptions opts;
  opts.mapping.hearing_type = "Event Desc";
  opts.mapping.date = "event date/time";
  opts.mapping.status = "RESULT";
  const auto r = parse_csv(text, opts);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->records.size(), 2u);
  EXPECT_EQ(r->records[0].docket, "CR-26-004417");  // "Case No." is a default docket header
  EXPECT_EQ(r->records[0].source_uid, "");
  EXPECT_EQ(r->records[0].kind, HearingKind::preliminary_hearing);
  EXPECT_EQ(r->records[0].starts_at, utc(2026, 4, 21, 20, 30));
  EXPECT_EQ(r->records[0].department, "301");
  EXPECT_EQ(r->records[0].judge, "Comm. Ruiz");
  EXPECT_EQ(r->records[1].kind, HearingKind::arraignment);
  EXPECT_EQ(r->records[1].starts_at, utc(2026, 4, 21, 15, 30));
  EXPECT_EQ(r->records[1].status, HearingStatus::cancelled);
  EXPECT_EQ(r->records[1].line, 3u);
}

TEST(CsvParser, AnotherTimeZone) {
  CsvOptions opts;
  opts.time_zone = "America/New_York";
  const auto r = parse_csv("Docket,Date,Time\n26-CR-1,7/15/2026,10:00 AM\n", opts);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->records.at(0).starts_at, utc(2026, 7, 15, 14));
}

TEST(CsvParser, FilesThatCannotBeReadAreErrors) {
  struct Row {
    std::string name;
    std::string text;
    CsvOptions options;
    ErrorCode code;
    std::string field;
  };
  CsvOptions mapped;
  mapped.mapping.date = "CalendarDay";
  CsvOptions zone;
  zone.time_zone = "Pacific Standard Time";
  CsvOptions tiny;
  tiny.max_bytes = 4;
  const std::vector<Row> rows{
      {"empty", "", {}, ErrorCode::invalid_argument, "file"},
      {"blank lines", "\r\n\r\n", {}, ErrorCode::invalid_argument, "file"},
      {"no date column", "CaseNumber,Type\n26-CR-1,PX\n", {}, ErrorCode::invalid_argument, "file"},
      {"no docket column", "HearingDate,Type\n4/19/2026,PX\n", {}, ErrorCode::invalid_argument, "file"},
      {"broken header", "\"CaseNumber,HearingDate\n", {}, ErrorCode::invalid_argument, "file"},
      {"mapped header absent", "CaseNumber,HearingDate\n", mapped, ErrorCode::invalid_argument, "mapping.date"},
      {"bad zone", "CaseNumber,HearingDate\n", zone, ErrorCode::invalid_argument, "time_zone"},
      {"too big", "CaseNumber,HearingDate\n", tiny, ErrorCode::payload_too_large, ""},
  };
  for (const Row& row : rows) {
    const auto r = parse_csv(row.text, row.options);
    ASSERT_FALSE(r.has_value()) << row.name;
    EXPECT_EQ(r.error().code, row.code) << row.name;
    if (!row.field.empty()) {
      ASSERT_EQ(r.error().fields.size(), 1u) << row.name;
      EXPECT_EQ(r.error().fields[0].field, row.field) << row.name;
      EXPECT_FALSE(r.error().fields[0].message.empty()) << row.name;
    }
  }
}

TEST(CsvParser, HeaderOnlyIsAnEmptyCalendar) {
  const auto r = parse_csv("CaseNumber,HearingDate,HearingTime\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->records.empty());
  EXPECT_TRUE(r->rejections.empty());
}

TEST(CsvParser, UnterminatedQuoteRejectsTheRowWithItsLine) {
  const auto r = parse_csv("CaseNumber,HearingDate,Notes\n26-CR-1,4/19/2026,ok\n26-CR-2,4/20/2026,\"oops\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->records.size(), 1u);
  EXPECT_EQ(r->rejections,
            (std::vector<Rejection>{{3, std::nullopt, "a quoted field opened on line 3 is never closed"}}));
}

// With HEATWATCH_FUZZ_SEED_DIR set, writes the exports these tests parse into <dir>/csv/, where
// tools/fuzz picks them up as the start of its corpus. Does nothing otherwise.
TEST(FuzzSeeds, WritesTheCsvExports) {
  const char* dir = std::getenv("HEATWATCH_FUZZ_SEED_DIR");
  if (dir == nullptr || *dir == '\0') return;
  const std::filesystem::path out = std::filesystem::path(dir) / "csv";
  std::filesystem::create_directories(out);
  std::ofstream(out / "day_one.csv", std::ios::binary) << day_one_csv();
  std::ofstream(out / "day_two.csv", std::ios::binary) << day_two_csv();
  std::ofstream(out / "other_layout.csv", std::ios::binary)
      << "Case No.,Event Desc,Event Date/Time,Courtroom,Judicial Officer,Result\n"
         "CR-26-004417,PX,2026-04-21 1:30 PM,301,Comm. Ruiz,\n";
}

}  // namespace
}  // namespace heat::adapters
