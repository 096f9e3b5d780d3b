// Court calendar feeds end to end (issue 7), against the real binary and PostgreSQL: feeds
// are created, a court's iCalendar export and its next day's version are uploaded, and the
// hearings, their history, the hearing deadlines and the advocates' alerts are read back over
// HTTP; a re-import changes nothing; the unmatched queue is matched by hand; bad uploads
// (wrong type, unreadable, over 64 MiB, a database failure half-way) change nothing; hearings
// are entered by hand; `heatwatch import` does the same from the command line.
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

namespace heat::test {
namespace {
namespace json = boost::json;

json::value parse(const std::string& body) { return json::parse(body); }
std::string str(const json::value& v, const char* key) { return std::string(v.at(key).as_string()); }
std::int64_t num(const json::value& v, const char* key) { return v.at(key).as_int64(); }

constexpr const char* kDay1 =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Superior Court of California//Odyssey Calendar Export//EN\r\n"
    "METHOD:PUBLISH\r\nX-WR-TIMEZONE:America/Los_Angeles\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2001@court.example\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260316T083000\r\nDTEND;TZID=America/Los_Angeles:20260316T090000\r\n"
    "SUMMARY:Preliminary Hearing - People v. Roe\r\nLOCATION:Dept. 12\r\nX-COURT-DOCKET:26-CR-012345\r\n"
    "X-COURT-HEARING-TYPE:Preliminary Hearing\r\nX-COURT-JUDGE:Hon. M. Alvarez\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2002@court.example\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260325T090000\r\nSUMMARY:Readiness Conference - People v. Roe\r\n"
    "LOCATION:Dept. 12\r\nX-COURT-DOCKET:26-CR-012345\r\nX-COURT-HEARING-TYPE:Readiness Conference\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2003@court.example\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260327T133000\r\nSUMMARY:Motion to Suppress - People v. Roe\r\n"
    "LOCATION:Dept. 9\r\nX-COURT-DOCKET:26 CR 012345\r\nX-COURT-HEARING-TYPE:Motion to Suppress\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2004@court.example\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260318T083000\r\nSUMMARY:Arraignment - People v. Nguyen\r\n"
    "LOCATION:Dept. 12\r\nX-COURT-DOCKET:26-CR-099999\r\nX-COURT-HEARING-TYPE:Arraignment\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

// The next day: the preliminary hearing continued to 3/30, the motion vacated, the readiness
// conference gone, a sentencing set.
constexpr const char* kDay2 =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Superior Court of California//Odyssey Calendar Export//EN\r\n"
    "METHOD:PUBLISH\r\nX-WR-TIMEZONE:America/Los_Angeles\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2001@court.example\r\nSEQUENCE:1\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260330T083000\r\nDTEND;TZID=America/Los_Angeles:20260330T090000\r\n"
    "SUMMARY:Preliminary Hearing - People v. Roe\r\nLOCATION:Dept. 12\r\nX-COURT-DOCKET:26-CR-012345\r\n"
    "X-COURT-HEARING-TYPE:Preliminary Hearing\r\nX-COURT-JUDGE:Hon. M. Alvarez\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2003@court.example\r\nSEQUENCE:1\r\nSTATUS:CANCELLED\r\n"
    "COMMENT:Vacated - defense withdrew the motion\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260327T133000\r\nSUMMARY:Motion to Suppress - People v. Roe\r\n"
    "LOCATION:Dept. 9\r\nX-COURT-DOCKET:26 CR 012345\r\nX-COURT-HEARING-TYPE:Motion to Suppress\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2004@court.example\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260318T083000\r\nSUMMARY:Arraignment - People v. Nguyen\r\n"
    "LOCATION:Dept. 12\r\nX-COURT-DOCKET:26-CR-099999\r\nX-COURT-HEARING-TYPE:Arraignment\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:hrg-2005@court.example\r\nSEQUENCE:0\r\n"
    "DTSTART;TZID=America/Los_Angeles:20260410T133000\r\nSUMMARY:Judgment and Sentencing - People v. Roe\r\n"
    "LOCATION:Dept. 12\r\nX-COURT-DOCKET:26-CR-012345\r\nX-COURT-HEARING-TYPE:Judgment and Sentencing\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

constexpr const char* kCsv =
    "CaseNumber,HearingDate,HearingTime,HearingType,Department,HearingID,Status \r\n"
    "26-CR-012345,4/21/2026,1:30 PM,Trial Readiness Conference,12,CSV-1,Scheduled\r\n"
    "26-CR-012345,4/28/2026,8:30 AM,Jury Trial,12,CSV-2,Scheduled\r\n";

class FeedsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    add_user(*database_, "advocate2", "advocate");
    server_ = new ServerProcess(database_->url(), {"--jobs", "off"}, {{"HEATWATCH_NOW", "2026-03-02T09:00:00-08:00"}});
    for (const char* u : {"dda1", "dda2", "advocate1", "advocate2", "supervisor1", "leadership1", "admin1"})
      tokens_[u] = login(server_->port(), u);
    // Case "Roe" with docket 26-CR-012345, led by dda1; one defendant; a victim of advocate1.
    auto c = http(port(), "POST", "/api/v1/cases",
                  R"({"da_number":"HT-2026-000301","title":"People v. Roe","unit":"ht",)"
                  R"("referring_agency":"Oakland PD","referral_date":"2026-02-01","dockets":["26-CR-012345"]})",
                  as("dda1"));
    ASSERT_EQ(c.status, 201) << c.body;
    case_id_ = str(parse(c.body), "id");
    auto c2 = http(port(), "POST", "/api/v1/cases",
                   R"({"da_number":"HT-2026-000302","title":"People v. Nguyen","unit":"ht",)"
                   R"("referring_agency":"Oakland PD","referral_date":"2026-02-03"})",
                   as("dda1"));
    ASSERT_EQ(c2.status, 201) << c2.body;
    case2_id_ = str(parse(c2.body), "id");
    auto p = http(port(), "POST", "/api/v1/cases/" + case_id_ + "/prosecutions", R"({"person":{"name":"John Roe"}})",
                  as("dda1"));
    ASSERT_EQ(p.status, 201) << p.body;
    prosecution_id_ = str(parse(p.body), "id");
    const std::string advocate1 = database_->query_value("SELECT id FROM users WHERE username = 'advocate1'");
    auto v = http(port(), "POST", "/api/v1/victims",
                  R"({"legal_name":"Ana Roe","gender":"female","advocate_id":")" + advocate1 + R"("})", as("dda1"));
    ASSERT_EQ(v.status, 201) << v.body;
    auto link = http(port(), "POST", "/api/v1/victims/" + str(parse(v.body), "id") + "/links",
                     R"({"prosecution_id":")" + prosecution_id_ + R"(","role":"named_victim"})", as("dda1"));
    ASSERT_EQ(link.status, 201) << link.body;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  static unsigned short port() { return server_->port(); }
  static std::map<std::string, std::string> as(const std::string& user) { return bearer(tokens_.at(user)); }
  static std::map<std::string, std::string> upload(const std::string& user, const std::string& type) {
    auto h = as(user);
    h["Content-Type"] = type;
    return h;
  }
  static std::string new_feed(const std::string& name, const std::string& kind, const std::string& user = "dda1") {
    auto r = http(port(), "POST", "/api/v1/feeds", R"({"name":")" + name + R"(","kind":")" + kind + R"("})", as(user));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? str(parse(r.body), "id") : "";
  }
  static HttpResult import(const std::string& feed, const std::string& body, const std::string& type = "text/calendar",
                           const std::string& user = "dda1") {
    return http(port(), "POST", "/api/v1/feeds/" + feed + "/import", body, upload(user, type));
  }
  static json::array events(const std::string& user, const std::string& query = "") {
    auto r = http(port(), "GET", "/api/v1/court-events" + query, "", as(user));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? parse(r.body).at("items").as_array() : json::array();
  }
  static json::value event_by_key(const std::string& uid) {
    const std::string id = database_->query_value("SELECT id FROM court_events WHERE source_key = 'id:" + uid + "'");
    for (const auto& e : events("dda1", "?limit=500"))
      if (str(e, "id") == id) return e;
    return nullptr;
  }
  static int notes(const std::string& user, const std::string& kind, const std::string& subject) {
    auto r = http(port(), "GET", "/api/v1/notifications?limit=500", "", as(user));
    EXPECT_EQ(r.status, 200) << r.body;
    int n = 0;
    const json::value body = parse(r.body);
    for (const auto& i : body.at("items").as_array())
      if (str(i, "kind") == kind && str(i, "subject_id") == subject) ++n;
    return n;
  }
  static std::string footprint() {
    return database_->query_value(
        "SELECT (SELECT count(*) FROM court_events) || '/' || (SELECT count(*) FROM court_event_changes) || '/' ||"
        " (SELECT count(*) FROM deadlines) || '/' || (SELECT count(*) FROM notifications) || '/' ||"
        " (SELECT count(*) FROM feed_unmatched) || '/' || (SELECT COALESCE(sum(sequence), 0) FROM court_events) ||"
        " '/' || (SELECT count(*) FROM feed_imports)");
  }

  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::map<std::string, std::string> tokens_;
  static std::string case_id_, case2_id_, prosecution_id_;
};
TestDatabase* FeedsTest::database_ = nullptr;
ServerProcess* FeedsTest::server_ = nullptr;
std::map<std::string, std::string> FeedsTest::tokens_;
std::string FeedsTest::case_id_, FeedsTest::case2_id_, FeedsTest::prosecution_id_;

TEST_F(FeedsTest, FeedsAreCreatedListedAndScopedByUnit) {
  auto made = http(port(), "POST", "/api/v1/feeds",
                   R"({"name":"Unit feed","kind":"csv","mapping":{"docket":"Case No","date":"Court Date"},)"
                   R"("url":"https://court.example/calendar.csv"})",
                   as("dda1"));
  ASSERT_EQ(made.status, 201) << made.body;
  const json::value feed = parse(made.body);
  EXPECT_EQ(str(feed, "unit"), "ht");
  EXPECT_EQ(str(feed, "mode"), "snapshot");
  EXPECT_EQ(str(feed.at("mapping"), "docket"), "Case No");
  const std::string id = str(feed, "id");
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds", R"({"name":"Unit feed","kind":"csv"})", as("supervisor1")).status,
            409);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds", R"({"name":"X","kind":"csv"})", as("advocate1")).status, 403);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds", R"({"name":"X","kind":"csv"})", as("leadership1")).status, 403);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds", R"({"name":"X","kind":"pdf"})", as("dda1")).status, 400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds", R"({"name":"X","kind":"csv","url":"http://court.example/"})",
                 as("dda1")).status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds", R"({"name":"X","kind":"csv","mapping":{"colour":"Red"}})",
                 as("dda1")).status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds", R"({"name":"X","kind":"csv","unit":"sx"})", as("dda1")).status, 403);
  // An admin may run a feed for any unit.
  EXPECT_EQ(
      http(port(), "POST", "/api/v1/feeds", R"({"name":"Admin feed","kind":"ical","unit":"sx"})", as("admin1")).status,
      201);

  auto names = [](const HttpResult& r) {
    std::vector<std::string> out;
    const json::value body = parse(r.body);
    for (const auto& f : body.at("items").as_array()) out.push_back(str(f, "name"));
    return out;
  };
  auto mine_r = http(port(), "GET", "/api/v1/feeds?limit=500", "", as("dda1"));
  ASSERT_EQ(mine_r.status, 200);
  const auto mine = names(mine_r);
  EXPECT_NE(std::find(mine.begin(), mine.end(), "Unit feed"), mine.end());
  EXPECT_EQ(std::find(mine.begin(), mine.end(), "Admin feed"), mine.end());
  auto other = http(port(), "GET", "/api/v1/feeds?limit=500", "", as("dda2"));
  EXPECT_EQ(names(other), std::vector<std::string>{"Admin feed"});
  EXPECT_EQ(http(port(), "GET", "/api/v1/feeds", "", as("advocate1")).status, 403);
  auto all = http(port(), "GET", "/api/v1/feeds?limit=500", "", as("admin1"));
  EXPECT_GE(names(all).size(), 2u);

  auto one = http(port(), "GET", "/api/v1/feeds/" + id, "", as("dda1"));
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.header("etag"), "\"1\"");
  EXPECT_EQ(http(port(), "GET", "/api/v1/feeds/" + id, "", as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/feeds/" + id, "", as("admin1")).status, 200);

  // A repeated POST with the same Idempotency-Key answers the first response, creates nothing.
  auto keyed = as("dda1");
  keyed["Idempotency-Key"] = "feed-create-1";
  auto first = http(port(), "POST", "/api/v1/feeds", R"({"name":"Keyed feed","kind":"ical"})", keyed);
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = http(port(), "POST", "/api/v1/feeds", R"({"name":"Keyed feed","kind":"ical"})", keyed);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
}

TEST_F(FeedsTest, ACourtCalendarAndItsNextDayVersion) {
  const std::string feed = new_feed("Dept 12 calendar", "ical");
  const std::string advocate1 = database_->query_value("SELECT id FROM users WHERE username = 'advocate1'");
  auto day1 = import(feed, kDay1);
  ASSERT_EQ(day1.status, 200) << day1.body;
  const json::value r1 = parse(day1.body);
  EXPECT_EQ(num(r1, "created"), 3);
  EXPECT_EQ(num(r1, "unmatched"), 1);
  EXPECT_EQ(num(r1, "updated"), 0);
  EXPECT_EQ(num(r1, "cancelled"), 0);
  EXPECT_EQ(num(r1, "unchanged"), 0);
  EXPECT_TRUE(r1.at("rejected").as_array().empty());

  const json::value prelim = event_by_key("hrg-2001@court.example");
  ASSERT_TRUE(prelim.is_object());
  EXPECT_EQ(str(prelim, "case_id"), case_id_);
  EXPECT_EQ(str(prelim, "kind"), "preliminary_hearing");
  EXPECT_EQ(str(prelim, "starts_at"), "2026-03-16T15:30:00.000000Z");
  EXPECT_EQ(str(prelim, "department"), "Dept. 12");
  EXPECT_EQ(str(prelim, "status"), "scheduled");
  EXPECT_EQ(str(prelim, "source"), "feed");
  EXPECT_EQ(str(prelim.at("history").as_array().at(0), "change"), "created");
  const std::string prelim_id = str(prelim, "id");
  const std::string motion_id = str(event_by_key("hrg-2003@court.example"), "id");
  const std::string readiness_id = str(event_by_key("hrg-2002@court.example"), "id");

  // The advocate sees her victim's hearings and got one alert for each; dda2 (another unit)
  // sees none and cannot ask for the case.
  EXPECT_EQ(events("advocate1").size(), 3u);
  EXPECT_EQ(events("advocate2").size(), 0u);
  EXPECT_EQ(events("dda2").size(), 0u);
  EXPECT_EQ(http(port(), "GET", "/api/v1/court-events?case_id=" + case_id_, "", as("dda2")).status, 404);
  EXPECT_EQ(events("supervisor1", "?case_id=" + case_id_).size(), 3u);
  EXPECT_EQ(http(port(), "GET", "/api/v1/court-events", "", as("leadership1")).status, 403);
  for (const auto& id : {prelim_id, motion_id, readiness_id}) EXPECT_EQ(notes("advocate1", "hearing_scheduled", id), 1);
  // dda1 uploaded the file: no alert to himself.
  EXPECT_EQ(notes("dda1", "hearing_scheduled", prelim_id), 0);
  // Filters and pages.
  EXPECT_EQ(events("dda1", "?from=2026-03-20&to=2026-03-31").size(), 2u);
  auto page1 = http(port(), "GET", "/api/v1/court-events?limit=2", "", as("dda1"));
  const json::value p1 = parse(page1.body);
  ASSERT_EQ(p1.at("items").as_array().size(), 2u);
  ASSERT_TRUE(p1.at("next_cursor").is_string());
  auto page2 = http(port(), "GET", "/api/v1/court-events?limit=2&cursor=" + str(p1, "next_cursor"), "", as("dda1"));
  const json::value p2 = parse(page2.body);
  ASSERT_EQ(p2.at("items").as_array().size(), 1u);
  EXPECT_TRUE(p2.at("next_cursor").is_null());

  // Hearing deadlines on the prosecution: PC 1050 before each hearing.
  auto deadlines = http(port(), "GET", "/api/v1/prosecutions/" + prosecution_id_ + "/deadlines", "", as("dda1"));
  ASSERT_EQ(deadlines.status, 200) << deadlines.body;
  int pc1050 = 0;
  const json::value deadlines1 = parse(deadlines.body);
  for (const auto& d : deadlines1.at("items").as_array())
    if (str(d, "rule") == "pc1050_continuance_motion" && str(d, "status") == "open") {
      ++pc1050;
      EXPECT_EQ(str(d, "trigger"), "hearing");
    }
  EXPECT_EQ(pc1050, 3);

  // The next day.
  auto day2 = import(feed, kDay2);
  ASSERT_EQ(day2.status, 200) << day2.body;
  const json::value r2 = parse(day2.body);
  EXPECT_EQ(num(r2, "created"), 1);
  EXPECT_EQ(num(r2, "updated"), 1);
  EXPECT_EQ(num(r2, "cancelled"), 2);
  EXPECT_EQ(num(r2, "unmatched"), 1);
  const json::value moved = event_by_key("hrg-2001@court.example");
  EXPECT_EQ(str(moved, "status"), "continued");
  EXPECT_EQ(str(moved, "starts_at"), "2026-03-30T15:30:00.000000Z");
  EXPECT_EQ(str(moved, "original_starts_at"), "2026-03-16T15:30:00.000000Z");
  EXPECT_EQ(num(moved, "sequence"), 1);
  const auto& history = moved.at("history").as_array();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(str(history[1], "change"), "continued");
  EXPECT_EQ(str(history[1], "old_starts_at"), "2026-03-16T15:30:00.000000Z");
  EXPECT_EQ(str(history[1], "new_starts_at"), "2026-03-30T15:30:00.000000Z");
  const json::value motion = event_by_key("hrg-2003@court.example");
  EXPECT_EQ(str(motion, "status"), "cancelled");
  EXPECT_EQ(str(motion, "cancel_reason"), "Vacated - defense withdrew the motion");
  EXPECT_EQ(str(event_by_key("hrg-2002@court.example"), "status"), "cancelled");
  EXPECT_EQ(events("dda1", "?status=cancelled").size(), 2u);
  EXPECT_EQ(events("dda1", "?status=continued").size(), 1u);
  const std::string sentencing_id = str(event_by_key("hrg-2005@court.example"), "id");
  // One alert per change for the advocate.
  EXPECT_EQ(notes("advocate1", "hearing_changed", prelim_id), 1);
  EXPECT_EQ(notes("advocate1", "hearing_cancelled", motion_id), 1);
  EXPECT_EQ(notes("advocate1", "hearing_cancelled", readiness_id), 1);
  EXPECT_EQ(notes("advocate1", "hearing_scheduled", sentencing_id), 1);
  EXPECT_EQ(notes("advocate1", "hearing_scheduled", prelim_id), 1);
  // Deadlines: the moved hearing's recomputed, the cancelled ones' superseded, the sentencing's
  // probation report added.
  deadlines = http(port(), "GET", "/api/v1/prosecutions/" + prosecution_id_ + "/deadlines", "", as("dda1"));
  int open1050 = 0, superseded = 0, probation = 0;
  const json::value deadlines2 = parse(deadlines.body);
  for (const auto& d : deadlines2.at("items").as_array()) {
    if (str(d, "rule") == "pc1050_continuance_motion" && str(d, "status") == "open") ++open1050;
    if (str(d, "status") == "superseded") ++superseded;
    if (str(d, "rule") == "pc1203_probation_report") ++probation;
  }
  EXPECT_EQ(open1050, 2);  // the continued prelim and the sentencing
  EXPECT_EQ(superseded, 3);
  EXPECT_EQ(probation, 1);

  // The same file again: nothing new.
  const std::string before = footprint();
  auto again = import(feed, kDay2);
  ASSERT_EQ(again.status, 200) << again.body;
  const json::value r3 = parse(again.body);
  EXPECT_EQ(num(r3, "created") + num(r3, "updated") + num(r3, "cancelled"), 0);
  EXPECT_EQ(num(r3, "unchanged"), 3);
  // Nothing but the import log (the last figure) grew.
  const std::string after = footprint();
  EXPECT_EQ(before.substr(0, before.rfind('/')), after.substr(0, after.rfind('/')));
  EXPECT_NE(before, after);

  // The unmatched queue: matched by hand, remembered.
  auto queue = http(port(), "GET", "/api/v1/feeds/" + feed + "/unmatched", "", as("dda1"));
  ASSERT_EQ(queue.status, 200) << queue.body;
  const json::value queue_body = parse(queue.body);
  const auto& waiting = queue_body.at("items").as_array();
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(str(waiting[0], "docket"), "26-CR-099999");
  EXPECT_EQ(str(waiting[0], "kind"), "arraignment");
  const std::string rid = str(waiting[0], "id");
  EXPECT_EQ(http(port(), "GET", "/api/v1/feeds/" + feed + "/unmatched", "", as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "GET", "/api/v1/feeds/" + feed + "/unmatched", "", as("advocate1")).status, 403);
  const std::string match_path = "/api/v1/feeds/" + feed + "/unmatched/" + rid + "/match";
  const std::string match_body = R"({"case_id":")" + case2_id_ + R"("})";
  EXPECT_EQ(http(port(), "POST", match_path, match_body, as("advocate1")).status, 403);
  EXPECT_EQ(http(port(), "POST", match_path, match_body, as("admin1")).status, 403);
  EXPECT_EQ(http(port(), "POST", match_path, match_body, as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "POST", match_path, R"({"case_id":"x"})", as("dda1")).status, 400);
  auto matched = http(port(), "POST", match_path, match_body, as("dda1"));
  ASSERT_EQ(matched.status, 200) << matched.body;
  EXPECT_EQ(num(parse(matched.body), "created"), 1);
  EXPECT_EQ(str(event_by_key("hrg-2004@court.example"), "case_id"), case2_id_);
  EXPECT_EQ(http(port(), "POST", match_path, match_body, as("dda1")).status, 404);
  auto empty = http(port(), "GET", "/api/v1/feeds/" + feed + "/unmatched", "", as("dda1"));
  EXPECT_TRUE(parse(empty.body).at("items").as_array().empty());
  auto later = import(feed, std::string(kDay2).insert(
                                std::string(kDay2).find("END:VCALENDAR"),
                                "BEGIN:VEVENT\r\nUID:hrg-2006@court.example\r\nDTSTART:20260415T160000Z\r\n"
                                "SUMMARY:Preliminary Hearing\r\nX-COURT-DOCKET:26CR099999\r\nEND:VEVENT\r\n"));
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(num(parse(later.body), "unmatched"), 0);
  EXPECT_EQ(str(event_by_key("hrg-2006@court.example"), "case_id"), case2_id_);
}

TEST_F(FeedsTest, UploadsThatCannotBeImportedChangeNothing) {
  const std::string ical = new_feed("Bad uploads ics", "ical");
  const std::string csv = new_feed("Bad uploads csv", "csv");
  const std::string before = footprint();
  EXPECT_EQ(import(ical, kDay1, "application/json").status, 415);
  EXPECT_EQ(import(ical, kCsv, "text/csv").status, 415);  // this feed takes text/calendar
  auto unreadable = import(ical, "this is not a calendar\r\n");
  EXPECT_EQ(unreadable.status, 400) << unreadable.body;
  EXPECT_EQ(import(csv, "Name,Colour\r\nA,B\r\n", "text/csv").status, 400);
  EXPECT_EQ(import(ical, "").status, 400);
  EXPECT_EQ(import(ical, kDay1, "text/calendar", "advocate1").status, 403);
  EXPECT_EQ(import(ical, kDay1, "text/calendar", "dda2").status, 404);
  EXPECT_EQ(import("00000000-0000-0000-0000-000000000000", kDay1).status, 404);
  EXPECT_EQ(http(port(), "POST", "/api/v1/feeds/" + ical + "/import?mode=sometimes", kDay1,
                 upload("dda1", "text/calendar")).status,
            400);
  EXPECT_EQ(footprint(), before);

  // Over 64 MiB: 413 as soon as the headers say so, before the body is read.
  const std::string head = "POST /api/v1/feeds/" + ical + "/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           tokens_.at("dda1") + "\r\nContent-Type: text/calendar\r\nContent-Length: ";
  std::string reply = raw_exchange(port(), head + std::to_string(64 * 1024 * 1024 + 1) + "\r\n\r\nBEGIN:VCAL",
                                   std::chrono::seconds(10));
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply.substr(0, 200);
  // Exactly 64 MiB is read (and, not being a calendar, refused as unreadable).
  auto at_limit = import(ical, std::string(64 * 1024 * 1024, 'x'));
  EXPECT_EQ(at_limit.status, 400) << at_limit.body.substr(0, 200);
  EXPECT_EQ(footprint(), before);

  // A failure half-way (the notifications cannot be written): 500 and nothing at all.
  database_->exec(
      "CREATE FUNCTION fail_notes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;"
      " CREATE TRIGGER fail_notes BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION fail_notes()");
  const std::string feed = new_feed("Failing feed", "ical");
  const std::string before_failure = footprint();
  auto failed = import(feed, std::string(kDay1).replace(std::string(kDay1).find("hrg-2001"), 8, "hrg-7001"));
  database_->exec("DROP TRIGGER fail_notes ON notifications; DROP FUNCTION fail_notes()");
  EXPECT_EQ(failed.status, 500) << failed.body;
  EXPECT_EQ(footprint(), before_failure);

  // A CSV feed with hearing ids imports as well.
  auto ok = import(csv, kCsv, "text/csv; charset=utf-8");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(num(parse(ok.body), "created"), 2);
}

TEST_F(FeedsTest, HearingsEnteredByHand) {
  const std::string body = R"({"case_id":")" + case_id_ + R"(","prosecution_id":")" + prosecution_id_ +
                           R"(","kind":"sentencing","starts_at":"2026-05-04T13:30:00-07:00","department":"Dept. 12"})";
  EXPECT_EQ(http(port(), "POST", "/api/v1/court-events", body, as("advocate1")).status, 403);
  EXPECT_EQ(http(port(), "POST", "/api/v1/court-events", body, as("dda2")).status, 404);
  EXPECT_EQ(http(port(), "POST", "/api/v1/court-events",
                 R"({"case_id":")" + case_id_ + R"(","kind":"picnic","starts_at":"2026-05-04T13:30:00-07:00"})",
                 as("dda1")).status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/court-events",
                 R"({"case_id":")" + case_id_ + R"(","kind":"trial","starts_at":"2026-05-04"})", as("dda1")).status,
            400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/court-events",
                 R"({"case_id":")" + case_id_ + R"(","kind":"trial","starts_at":"2026-05-04T08:30:00-07:00","x":1})",
                 as("dda1")).status,
            400);
  auto headers = as("dda1");
  headers["Idempotency-Key"] = "manual-hearing-1";
  auto made = http(port(), "POST", "/api/v1/court-events", body, headers);
  ASSERT_EQ(made.status, 201) << made.body;
  const json::value e = parse(made.body);
  EXPECT_EQ(str(e, "source"), "manual");
  EXPECT_EQ(str(e, "kind"), "sentencing");
  EXPECT_EQ(str(e, "starts_at"), "2026-05-04T20:30:00.000000Z");
  EXPECT_EQ(str(e, "prosecution_id"), prosecution_id_);
  auto replay = http(port(), "POST", "/api/v1/court-events", body, headers);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(str(parse(replay.body), "id"), str(e, "id"));
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM court_events WHERE source = 'manual'"), "1");
  EXPECT_EQ(notes("advocate1", "hearing_scheduled", str(e, "id")), 1);
  EXPECT_EQ(database_->query_value("SELECT string_agg(rule_id, ',' ORDER BY rule_id) FROM deadlines WHERE"
                                   " court_event_id = '" + str(e, "id") + "'"),
            "pc1050_continuance_motion,pc1203_probation_report");
  bool listed = false;
  for (const auto& x : events("advocate1", "?case_id=" + case_id_)) listed = listed || str(x, "id") == str(e, "id");
  EXPECT_TRUE(listed);
}

TEST_F(FeedsTest, CommandLineImport) {
  const std::string dir = std::getenv("HEATWATCH_TEST_TMP") != nullptr ? std::getenv("HEATWATCH_TEST_TMP") : "/tmp";
  const std::string file = dir + "/feeds_httptest_calendar.csv";
  std::ofstream(file, std::ios::binary) << kCsv;
  const std::string db = "'" + database_->url() + "'";
  auto [help_rc, help] = run_command(heatwatch_binary() + " import --help");
  EXPECT_EQ(help_rc, 0);
  EXPECT_NE(help.find("--feed"), std::string::npos);
  // Progress goes to standard error, the report alone to standard output.
  auto [rc, out] = run_command("(" + heatwatch_binary() + " import --db " + db + " --feed 'CLI feed' --kind csv " +
                               file + " 2>/dev/null)");
  ASSERT_EQ(rc, 0) << out;
  const json::value report = parse(out);
  EXPECT_EQ(num(report, "created"), 2);
  EXPECT_EQ(num(report, "unmatched"), 0);
  auto [rc2, out2] =
      run_command("(" + heatwatch_binary() + " import --db " + db + " --feed 'CLI feed' " + file + " 2>/dev/null)");
  ASSERT_EQ(rc2, 0) << out2;
  EXPECT_EQ(num(parse(out2), "unchanged"), 2);
  // Unreadable, missing, unknown feed: non-zero, nothing written.
  const std::string before = footprint();
  const std::string junk = dir + "/feeds_httptest_junk.csv";
  std::ofstream(junk, std::ios::binary) << "nothing,useful\r\n1,2\r\n";
  auto [rc3, out3] = run_command(heatwatch_binary() + " import --db " + db + " --feed 'CLI feed' " + junk);
  EXPECT_NE(rc3, 0) << out3;
  EXPECT_NE(out3.find("cannot be read"), std::string::npos) << out3;
  auto [rc4, out4] = run_command(heatwatch_binary() + " import --db " + db + " --feed 'CLI feed' " + dir + "/absent.ics");
  EXPECT_NE(rc4, 0) << out4;
  auto [rc5, out5] = run_command(heatwatch_binary() + " import --db " + db + " --feed 'No such feed' " + file);
  EXPECT_NE(rc5, 0) << out5;
  EXPECT_EQ(footprint(), before);
  std::remove(file.c_str());
  std::remove(junk.c_str());
}

}  // namespace
}  // namespace heat::test
