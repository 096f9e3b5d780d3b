// Calendar subscriptions end to end (issue 7, export): hearings imported from a court feed,
// subscribed to by a DDA, a supervisor and advocates, fetched from the running server over
// the public URL, and checked by three independent readers — python3-icalendar,
// python3-vobject's readOne(validate=True) and `khal printics` with a temporary
// configuration — plus ETag/304, Cache-Control, scopes by role, revocation, SEQUENCE on
// change, cancelled hearings kept 30 days then dropped, and no victim or defendant name in
// the exported text.
#include "tests/support/app_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

namespace heat::test {
namespace {
namespace json = boost::json;

constexpr const char* kNow = "2026-12-01T17:00:00Z";
constexpr const char* kVictimName = "Rosalind Quintero-Vance";
constexpr const char* kDefendant = "Marcus Holloway";

json::object object_of(const std::string& body) { return json::parse(body).as_object(); }
std::string str(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// The unfolded text of one VEVENT by UID prefix ("" when absent).
std::string event_of(const std::string& ics, const std::string& uid_prefix) {
  const std::string unfolded = std::regex_replace(ics, std::regex("\r\n[ \t]"), "");
  const auto at = unfolded.find("UID:" + uid_prefix);
  if (at == std::string::npos) return "";
  const auto begin = unfolded.rfind("BEGIN:VEVENT", at);
  const auto end = unfolded.find("END:VEVENT", at);
  return unfolded.substr(begin, end - begin);
}

// The day-one court calendar: three hearings of case A (docket 26-CR-012345) and one of
// case B. The court's SUMMARY names the defendant; the export must not repeat it.
const char* kDayOne =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Superior Court//Criminal Calendar//EN\r\nMETHOD:PUBLISH\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-1001@court.example\r\nSEQUENCE:0\r\nDTSTAMP:20261130T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20261210T083000\r\nDTEND;TZID=America/Los_Angeles:20261210T093000\r\n"
    "SUMMARY:Preliminary Hearing - People v. Marcus Holloway\\, 26-CR-012345\r\nLOCATION:Dept. 12\r\n"
    "X-COURT-JUDGE:Hon. A. Example\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-1002@court.example\r\nSEQUENCE:0\r\nDTSTAMP:20261130T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20261215T090000\r\n"
    "SUMMARY:Readiness Conference - People v. Marcus Holloway\\, 26-CR-012345\r\nLOCATION:Dept. 12\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-1003@court.example\r\nSEQUENCE:0\r\nDTSTAMP:20261130T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20270112T133000\r\n"
    "SUMMARY:Jury Trial - People v. Marcus Holloway\\, 26-CR-012345\r\nLOCATION:Dept. 7 \xE2\x80\x94 Hall of Justice\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-2001@court.example\r\nSEQUENCE:0\r\nDTSTAMP:20261130T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20261211T083000\r\n"
    "SUMMARY:Arraignment - People v. Dana Whitcombe\\, 26-CR-054321\r\nLOCATION:Dept. 3\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

// The next day: the preliminary hearing is continued (new start, SEQUENCE 1), the readiness
// conference vacated; the rest as before.
const char* kDayTwo =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Superior Court//Criminal Calendar//EN\r\nMETHOD:PUBLISH\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-1001@court.example\r\nSEQUENCE:1\r\nDTSTAMP:20261201T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20261217T083000\r\nDTEND;TZID=America/Los_Angeles:20261217T093000\r\n"
    "SUMMARY:Preliminary Hearing - People v. Marcus Holloway\\, 26-CR-012345\r\nLOCATION:Dept. 12\r\n"
    "X-COURT-JUDGE:Hon. A. Example\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-1002@court.example\r\nSEQUENCE:1\r\nDTSTAMP:20261201T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20261215T090000\r\nSTATUS:CANCELLED\r\n"
    "SUMMARY:Readiness Conference - People v. Marcus Holloway\\, 26-CR-012345\r\nLOCATION:Dept. 12\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-1003@court.example\r\nSEQUENCE:0\r\nDTSTAMP:20261130T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20270112T133000\r\n"
    "SUMMARY:Jury Trial - People v. Marcus Holloway\\, 26-CR-012345\r\nLOCATION:Dept. 7 \xE2\x80\x94 Hall of Justice\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:HRG-2001@court.example\r\nSEQUENCE:0\r\nDTSTAMP:20261130T120000Z\r\n"
    "DTSTART;TZID=America/Los_Angeles:20261211T083000\r\n"
    "SUMMARY:Arraignment - People v. Dana Whitcombe\\, 26-CR-054321\r\nLOCATION:Dept. 3\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n";

class CalendarExport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase();
    migrate(*database_);
    add_one_user_per_role(*database_);
    add_user(*database_, "dda3", "dda");
    add_user(*database_, "advocate2", "advocate");
    server_ = new ServerProcess(database_->url(), {"--jobs", "off"}, {{"HEATWATCH_NOW", kNow}});
    for (const char* u : {"dda1", "dda2", "dda3", "advocate1", "advocate2", "supervisor1", "leadership1",
                          "mdt_partner1", "admin1"})
      tokens_[u] = login(server_->port(), u);

    // Case A (dda1) with a victim of advocate1; case B (dda3) with none.
    case_a_ = new_case("dda1", "HT-26-0101", "People v. Marcus Holloway", "26-CR-012345");
    const std::string prosecution = new_prosecution("dda1", case_a_, kDefendant);
    auto v = http(port(), "POST", "/api/v1/victims",
                  json::serialize(json::object{{"legal_name", kVictimName},
                                               {"advocate_id", user_id("advocate1")}}),
                  as("advocate1"));
    ASSERT_EQ(v.status, 201) << v.body;
    victim_pseudonym_ = str(object_of(v.body), "pseudonym");
    auto link = http(port(), "POST", "/api/v1/victims/" + str(object_of(v.body), "id") + "/links",
                     json::serialize(json::object{{"prosecution_id", prosecution}, {"role", "named_victim"}}),
                     as("dda1"));
    ASSERT_EQ(link.status, 201) << link.body;
    case_b_ = new_case("dda3", "HT-26-0102", "People v. Dana Whitcombe", "26-CR-054321");

    auto feed = http(port(), "POST", "/api/v1/feeds", R"({"name":"Dept 12 calendar","kind":"ical"})", as("supervisor1"));
    ASSERT_EQ(feed.status, 201) << feed.body;
    feed_id_ = str(object_of(feed.body), "id");
    import_file(kDayOne);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }

  static unsigned short port() { return server_->port(); }
  static std::map<std::string, std::string> as(const std::string& user) { return bearer(tokens_.at(user)); }
  static std::string user_id(const std::string& username) {
    return database_->query_value("SELECT id::text FROM users WHERE username = '" + username + "'");
  }
  static std::string new_case(const std::string& user, const std::string& da, const std::string& title,
                              const std::string& docket) {
    auto c = http(port(), "POST", "/api/v1/cases",
                  json::serialize(json::object{{"da_number", da},
                                               {"title", title},
                                               {"unit", "ht"},
                                               {"referring_agency", "Oakland PD"},
                                               {"referral_date", "2026-11-01"},
                                               {"dockets", json::array{json::string(docket)}}}),
                  as(user));
    EXPECT_EQ(c.status, 201) << c.body;
    return str(object_of(c.body), "id");
  }
  static std::string new_prosecution(const std::string& user, const std::string& case_id, const std::string& name) {
    auto p = http(port(), "POST", "/api/v1/cases/" + case_id + "/prosecutions",
                  json::serialize(json::object{{"person", json::object{{"name", name}}}}), as(user));
    EXPECT_EQ(p.status, 201) << p.body;
    return str(object_of(p.body), "id");
  }
  static void import_file(const std::string& ics) {
    auto r = http(port(), "POST", "/api/v1/feeds/" + feed_id_ + "/import", ics,
                  {{"Authorization", "Bearer " + tokens_.at("supervisor1")}, {"Content-Type", "text/calendar"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }

  struct Subscription {
    std::string id;
    std::string url;
    std::string path;  // the URL's path, fetched from the test server
  };
  static Subscription subscribe(const std::string& user, unsigned short on_port = 0) {
    auto r = http(on_port ? on_port : port(), "POST", "/api/v1/calendar-subscriptions", "", as(user));
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return {};
    const auto o = object_of(r.body);
    Subscription s{str(o, "id"), str(o, "url"), ""};
    const auto slash = s.url.find("/calendar/");
    s.path = slash == std::string::npos ? "" : s.url.substr(slash);
    return s;
  }

  // Runs the three readers over the text; each must accept it and see `events` VEVENTs.
  static void expect_valid_calendar(const std::string& ics, std::size_t events) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("heatwatch-ics-" + std::to_string(::getpid()) + "-" + std::to_string(events));
    std::filesystem::create_directories(dir / "config" / "khal");
    std::filesystem::create_directories(dir / "data");
    std::filesystem::create_directories(dir / "calendar");
    const std::string file = (dir / "export.ics").string();
    std::ofstream(file, std::ios::binary) << ics;
    std::ofstream(dir / "config" / "khal" / "config")
        << "[calendars]\n[[export]]\npath = " << (dir / "calendar").string() << "\ntype = calendar\n"
        << "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        << "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        << "local_timezone = America/Los_Angeles\ndefault_timezone = America/Los_Angeles\n";

    auto [ical_rc, ical_out] = run_command(
        "/usr/bin/python3 -c \"import sys, icalendar; cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read());"
        " evs = list(cal.walk('VEVENT')); [e.decoded('DTSTART') for e in evs];"
        " print('icalendar-events', len(evs), len(list(cal.walk('VTIMEZONE'))))\" '" + file + "'");
    EXPECT_EQ(ical_rc, 0) << ical_out;
    EXPECT_NE(ical_out.find("icalendar-events " + std::to_string(events) + " 1"), std::string::npos) << ical_out;

    auto [vobj_rc, vobj_out] = run_command(
        "/usr/bin/python3 -c \"import sys, vobject; c = vobject.readOne(open(sys.argv[1], encoding='utf-8').read(),"
        " validate=True); print('vobject-events', len(getattr(c, 'vevent_list', [])))\" '" + file + "'");
    EXPECT_EQ(vobj_rc, 0) << vobj_out;
    EXPECT_NE(vobj_out.find("vobject-events " + std::to_string(events)), std::string::npos) << vobj_out;

    auto [khal_rc, khal_out] = run_command("XDG_CONFIG_HOME='" + (dir / "config").string() + "' XDG_DATA_HOME='" +
                                           (dir / "data").string() + "' khal printics '" + file + "'");
    EXPECT_EQ(khal_rc, 0) << khal_out;
    EXPECT_NE(khal_out.find(std::to_string(events) + " events found"), std::string::npos) << khal_out;
    EXPECT_EQ(khal_out.find("Traceback"), std::string::npos) << khal_out;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  static void expect_no_names(const std::string& ics) {
    for (const std::string& secret :
         {std::string(kVictimName), std::string("Quintero"), victim_pseudonym_, std::string(kDefendant),
          std::string("Holloway"), std::string("Whitcombe"), std::string("People v."), std::string("Hon. A. Example")})
      EXPECT_EQ(ics.find(secret), std::string::npos) << "the export shows \"" << secret << "\"";
  }

  static TestDatabase* database_;
  static ServerProcess* server_;
  static std::map<std::string, std::string> tokens_;
  static std::string case_a_, case_b_, feed_id_, victim_pseudonym_;
};

TestDatabase* CalendarExport::database_ = nullptr;
ServerProcess* CalendarExport::server_ = nullptr;
std::map<std::string, std::string> CalendarExport::tokens_;
std::string CalendarExport::case_a_, CalendarExport::case_b_, CalendarExport::feed_id_,
    CalendarExport::victim_pseudonym_;

TEST_F(CalendarExport, DdaCalendarPassesThreeReadersAndNamesNoOne) {
  const auto sub = subscribe("dda1");
  ASSERT_FALSE(sub.path.empty());
  EXPECT_EQ(sub.url.rfind("http://127.0.0.1", 0), 0u) << sub.url;
  const std::regex token_shape("/calendar/[A-Za-z0-9_-]{43}\\.ics");
  EXPECT_TRUE(std::regex_match(sub.path, token_shape)) << sub.path;
  // The token is stored only as its hash.
  const std::string token = sub.path.substr(10, 43);
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM calendar_subscriptions WHERE token_sha256 LIKE '%" + token +
                                   "%'"),
            "0");

  auto r = http(port(), "GET", sub.path);  // no credentials: the URL is the credential
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(r.header("cache-control").find("max-age="), std::string::npos) << r.header("cache-control");
  EXPECT_NE(r.header("cache-control").find("private"), std::string::npos) << r.header("cache-control");
  EXPECT_FALSE(r.header("etag").empty());
  // Calendar clients may check with HEAD: the same headers, no body.
  const auto head = http(port(), "HEAD", sub.path);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("etag"), r.header("etag"));
  EXPECT_EQ(head.header("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(head.body, "");
  const std::string& ics = r.body;
  // dda1 leads case A only: its three hearings, not case B's arraignment.
  EXPECT_EQ(count(ics, "BEGIN:VEVENT"), 3u) << ics;
  EXPECT_EQ(count(ics, "DA HT-26-0101"), 3u) << ics;
  EXPECT_EQ(ics.find("HT-26-0102"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART;TZID=America/Los_Angeles:20261210T083000"), std::string::npos) << ics;
  EXPECT_NE(ics.find("BEGIN:VTIMEZONE"), std::string::npos);
  EXPECT_NE(event_of(ics, "").find("SUMMARY:Preliminary hearing: DA HT-26-0101\\, docket 26-CR-012345"),
            std::string::npos)
      << ics;
  for (std::size_t pos = 0; pos < ics.size();) {
    const auto eol = ics.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos) << "the text does not end in CRLF";
    EXPECT_LE(eol - pos, 75u) << ics.substr(pos, eol - pos);
    EXPECT_EQ(ics.substr(pos, eol - pos).find('\n'), std::string::npos) << "a bare LF";
    pos = eol + 2;
  }
  expect_no_names(ics);
  expect_valid_calendar(ics, 3);
}

TEST_F(CalendarExport, EtagAnswers304AndChangesWithTheCalendar) {
  const auto sub = subscribe("dda1");
  auto first = http(port(), "GET", sub.path);
  ASSERT_EQ(first.status, 200);
  auto again = http(port(), "GET", sub.path);
  EXPECT_EQ(again.body, first.body) << "the same hearings give the same bytes";
  const std::string etag = first.header("etag");
  auto cached = http(port(), "GET", sub.path, "", {{"If-None-Match", etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(cached.header("etag"), etag);
  EXPECT_FALSE(cached.header("cache-control").empty());
  auto other = http(port(), "GET", sub.path, "", {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(other.status, 200);
}

TEST_F(CalendarExport, ScopesFollowTheOwner) {
  // A supervisor sees the unit's hearings (both cases).
  auto sup = http(port(), "GET", subscribe("supervisor1").path);
  ASSERT_EQ(sup.status, 200);
  EXPECT_EQ(count(sup.body, "BEGIN:VEVENT"), 4u) << sup.body;
  // advocate1's victim is linked to case A only; advocate2 has no victims: an empty but
  // valid calendar.
  auto adv = http(port(), "GET", subscribe("advocate1").path);
  ASSERT_EQ(adv.status, 200);
  EXPECT_EQ(count(adv.body, "BEGIN:VEVENT"), 3u) << adv.body;
  EXPECT_EQ(adv.body.find("HT-26-0102"), std::string::npos);
  expect_no_names(adv.body);
  auto none = http(port(), "GET", subscribe("advocate2").path);
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(count(none.body, "BEGIN:VEVENT"), 0u);
  expect_valid_calendar(none.body, 0);
  // dda2 (unit sx) and dda3 see only their own cases.
  EXPECT_EQ(count(http(port(), "GET", subscribe("dda2").path).body, "BEGIN:VEVENT"), 0u);
  auto dda3 = http(port(), "GET", subscribe("dda3").path);
  EXPECT_EQ(count(dda3.body, "BEGIN:VEVENT"), 1u) << dda3.body;
  EXPECT_NE(dda3.body.find("Arraignment: DA HT-26-0102"), std::string::npos) << dda3.body;
  // Roles without hearings get no calendar.
  for (const char* user : {"leadership1", "mdt_partner1", "admin1"}) {
    auto r = http(port(), "POST", "/api/v1/calendar-subscriptions", "", as(user));
    EXPECT_EQ(r.status, 403) << user << " " << r.body;
  }
  // A body, if any, is an empty object.
  EXPECT_EQ(http(port(), "POST", "/api/v1/calendar-subscriptions", "{}", as("dda1")).status, 201);
  EXPECT_EQ(http(port(), "POST", "/api/v1/calendar-subscriptions", R"({"scope":"all"})", as("dda1")).status, 400);
  EXPECT_EQ(http(port(), "POST", "/api/v1/calendar-subscriptions", "").status, 401);
}

TEST_F(CalendarExport, RevokedUrlIsGoneAndOnlyItsOwnerOrAnAdminRevokes) {
  const auto sub = subscribe("dda1");
  ASSERT_EQ(http(port(), "GET", sub.path).status, 200);
  EXPECT_EQ(http(port(), "DELETE", "/api/v1/calendar-subscriptions/" + sub.id, "", as("dda3")).status, 404);
  EXPECT_EQ(http(port(), "DELETE", "/api/v1/calendar-subscriptions/" + sub.id, "", as("advocate1")).status, 404);
  EXPECT_EQ(http(port(), "DELETE", "/api/v1/calendar-subscriptions/" + sub.id, "", as("leadership1")).status, 403);
  ASSERT_EQ(http(port(), "GET", sub.path).status, 200) << "a refused revocation changes nothing";
  EXPECT_EQ(http(port(), "DELETE", "/api/v1/calendar-subscriptions/" + sub.id, "", as("dda1")).status, 204);
  EXPECT_EQ(http(port(), "GET", sub.path).status, 404);
  EXPECT_EQ(http(port(), "DELETE", "/api/v1/calendar-subscriptions/" + sub.id, "", as("dda1")).status, 404);
  // An admin may revoke anyone's URL.
  const auto other = subscribe("advocate1");
  EXPECT_EQ(http(port(), "DELETE", "/api/v1/calendar-subscriptions/" + other.id, "", as("admin1")).status, 204);
  EXPECT_EQ(http(port(), "GET", other.path).status, 404);
  // Unknown tokens and ids.
  EXPECT_EQ(http(port(), "GET", "/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics").status, 404);
  EXPECT_EQ(http(port(), "GET", "/calendar/x").status, 404);
  EXPECT_EQ(http(port(), "DELETE", "/api/v1/calendar-subscriptions/00000000-0000-4000-8000-000000000000", "",
                 as("dda1"))
                .status,
            404);
  // Creating and revoking are audited; the token never is.
  EXPECT_EQ(database_->query_value("SELECT count(*) FROM audit_log WHERE action = 'calendar_subscription.revoke'"
                                   " AND entity_id = '" + sub.id + "'"),
            "1");
}

// Last in the suite (tests run in the order written): the day-two import changes what the
// tests above count.
TEST_F(CalendarExport, ChangesBumpSequenceAndCancelledHearingsLeaveAfterThirtyDays) {
  const auto sub = subscribe("dda1");
  auto before = http(port(), "GET", sub.path);
  ASSERT_EQ(before.status, 200);
  const std::string prelim_before = event_of(before.body, "");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(prelim_before, m, std::regex("\nUID:([0-9a-f-]{36})@heatwatch")));
  const std::string prelim_uid = m[1];
  ASSERT_TRUE(std::regex_search(prelim_before, m, std::regex("\nSEQUENCE:([0-9]+)")));
  const int seq_before = std::stoi(m[1]);

  import_file(kDayTwo);
  auto after = http(port(), "GET", sub.path, "", {{"If-None-Match", before.header("etag")}});
  ASSERT_EQ(after.status, 200) << "the calendar changed, so the old ETag no longer matches";
  EXPECT_NE(after.header("etag"), before.header("etag"));
  const std::string prelim = event_of(after.body, prelim_uid);
  ASSERT_FALSE(prelim.empty()) << "the continued hearing keeps its UID\n" << after.body;
  ASSERT_TRUE(std::regex_search(prelim, m, std::regex("\nSEQUENCE:([0-9]+)")));
  EXPECT_GT(std::stoi(m[1]), seq_before) << prelim;
  EXPECT_NE(prelim.find("DTSTART;TZID=America/Los_Angeles:20261217T083000"), std::string::npos) << prelim;
  EXPECT_NE(prelim.find("DESCRIPTION:Court status: continued"), std::string::npos) << prelim;
  // The vacated readiness conference is still there, as CANCELLED.
  EXPECT_EQ(count(after.body, "BEGIN:VEVENT"), 3u);
  EXPECT_EQ(count(after.body, "STATUS:CANCELLED"), 1u) << after.body;
  expect_no_names(after.body);
  expect_valid_calendar(after.body, 3);

  // 29 days later it is still shown; 31 days later it is gone (same database, later clock).
  for (const auto& [now, events] : std::vector<std::pair<std::string, std::size_t>>{
           {"2026-12-30T17:00:00Z", 3u}, {"2027-01-01T17:00:01Z", 2u}}) {
    ServerProcess later(database_->url(), {"--jobs", "off"}, {{"HEATWATCH_NOW", now}});
    auto r = http(later.port(), "GET", sub.path);
    ASSERT_EQ(r.status, 200) << now;
    EXPECT_EQ(count(r.body, "BEGIN:VEVENT"), events) << now << "\n" << r.body;
    EXPECT_EQ(count(r.body, "STATUS:CANCELLED"), events == 3u ? 1u : 0u) << now;
    EXPECT_NE(r.body.find(prelim_uid), std::string::npos) << now;
  }
}

}  // namespace
}  // namespace heat::test
