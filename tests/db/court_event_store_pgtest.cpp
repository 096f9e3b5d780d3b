// Court events and feed imports against a real PostgreSQL (issue 7): realistic iCalendar and
// CSV court calendars and their next day's versions, the hearings, history, deadlines and
// notifications after each, re-imports that change nothing, the unmatched queue and hand
// matches, an import that fails half-way, and every file of ../shared/corpora.
#include "db/court_event_store.hpp"

#include "adapters/feed_import.hpp"
#include "db/migrations.hpp"
#include "db/pool.hpp"
#include "tests/support/pg_fixture.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace heat::db {
namespace {

using namespace std::chrono;

TimePoint utc(int y, int m, int d, int h = 0, int min = 0) {
  return TimePoint(sys_days(year(y) / m / d) + hours(h) + minutes(min));
}

// 2026-03-02 09:00 in Oakland (PST): the importer's "now".
const TimePoint kNow = utc(2026, 3, 2, 17, 0);

// Superior Court export, day 1: five hearings, one of them last month, one on a docket no
// case has yet. Folded lines, escaped commas, a VTIMEZONE, X- properties for docket,
// hearing type and judge, as a court CMS writes them.
constexpr const char* kIcalDay1 = R"ics(BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Superior Court of California\, County of Alameda//Odyssey Calendar Export 3.2//EN
METHOD:PUBLISH
CALSCALE:GREGORIAN
X-WR-CALNAME:Dept. 12 - Criminal (Human Trafficking)
X-WR-TIMEZONE:America/Los_Angeles
BEGIN:VTIMEZONE
TZID:America/Los_Angeles
BEGIN:DAYLIGHT
TZOFFSETFROM:-0800
TZOFFSETTO:-0700
TZNAME:PDT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0700
TZOFFSETTO:-0800
TZNAME:PST
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:hrg-100000@alameda.courts.ca.gov
SEQUENCE:0
DTSTAMP:20260301T120000Z
DTSTART;TZID=America/Los_Angeles:20260220T090000
DTEND;TZID=America/Los_Angeles:20260220T093000
SUMMARY:Arraignment - People v. Ramirez
LOCATION:Dept. 12\, Rene C. Davidson Courthouse
X-ALAMEDA-DOCKET:26-CR-012345
X-ALAMEDA-HEARING-TYPE:Arraignment on Complaint
END:VEVENT
BEGIN:VEVENT
UID:hrg-100001@alameda.courts.ca.gov
SEQUENCE:0
DTSTAMP:20260301T120000Z
DTSTART;TZID=America/Los_Angeles:20260316T083000
DTEND;TZID=America/Los_Angeles:20260316T090000
SUMMARY:Preliminary Hearing - People v. Ramirez
LOCATION:Dept. 12\, Rene C. Davidson Courthouse
X-ALAMEDA-DOCKET:26-CR-012345
X-ALAMEDA-HEARING-TYPE:Preliminary Hearing
X-ALAMEDA-JUDGE:Hon. Maria Alvarez
X-ALAMEDA-CASE-TITLE:People v. Ramirez\, Luis
END:VEVENT
BEGIN:VEVENT
UID:hrg-100002@alameda.courts.ca.gov
SEQUENCE:0
DTSTAMP:20260301T120000Z
DTSTART;TZID=America/Los_Angeles:20260320T133000
DTEND;TZID=America/Los_Angeles:20260320T143000
SUMMARY:Judgment and Sentencing - People v. Okafor
LOCATION:Dept. 9
X-ALAMEDA-DOCKET:26-CR-054321
X-ALAMEDA-HEARING-TYPE:Judgment and Sentencing
X-ALAMEDA-JUDGE:Hon. Daniel Chu
END:VEVENT
BEGIN:VEVENT
UID:hrg-100003@alameda.courts.ca.gov
SEQUENCE:0
DTSTAMP:20260301T120000Z
DTSTART;TZID=America/Los_Angeles:20260325T090000
SUMMARY:Readiness Conference - People v. Ramirez
LOCATION:Dept. 12
X-ALAMEDA-DOCKET:26-CR-012345
X-ALAMEDA-HEARING-TYPE:Readiness Conference
END:VEVENT
BEGIN:VEVENT
UID:hrg-100004@alameda.courts.ca.gov
SEQUENCE:0
DTSTAMP:20260301T120000Z
DTSTART;TZID=America/Los_Angeles:20260318T083000
SUMMARY:Arraignment - People v. Nguyen
LOCATION:Dept. 12
X-ALAMEDA-DOCKET:26-CR-099999
X-ALAMEDA-HEARING-TYPE:Arraignment
END:VEVENT
END:VCALENDAR
)ics";

// Day 2: the preliminary hearing continued two weeks (SEQUENCE 1), the sentencing vacated,
// the readiness conference gone from the calendar, a new motion; last month's arraignment
// no longer published (it is past: not cancelled).
constexpr const char* kIcalDay2 = R"ics(BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Superior Court of California\, County of Alameda//Odyssey Calendar Export 3.2//EN
METHOD:PUBLISH
X-WR-TIMEZONE:America/Los_Angeles
BEGIN:VEVENT
UID:hrg-100001@alameda.courts.ca.gov
SEQUENCE:1
DTSTAMP:20260302T120000Z
DTSTART;TZID=America/Los_Angeles:20260330T083000
DTEND;TZID=America/Los_Angeles:20260330T090000
SUMMARY:Preliminary Hearing - People v. Ramirez
LOCATION:Dept. 12\, Rene C. Davidson Courthouse
X-ALAMEDA-DOCKET:26-CR-012345
X-ALAMEDA-HEARING-TYPE:Preliminary Hearing
X-ALAMEDA-JUDGE:Hon. Maria Alvarez
END:VEVENT
BEGIN:VEVENT
UID:hrg-100002@alameda.courts.ca.gov
SEQUENCE:1
DTSTAMP:20260302T120000Z
DTSTART;TZID=America/Los_Angeles:20260320T133000
DTEND;TZID=America/Los_Angeles:20260320T143000
STATUS:CANCELLED
COMMENT:Vacated on defense motion\; to be reset
SUMMARY:Judgment and Sentencing - People v. Okafor
LOCATION:Dept. 9
X-ALAMEDA-DOCKET:26-CR-054321
X-ALAMEDA-HEARING-TYPE:Judgment and Sentencing
END:VEVENT
BEGIN:VEVENT
UID:hrg-100004@alameda.courts.ca.gov
SEQUENCE:0
DTSTAMP:20260302T120000Z
DTSTART;TZID=America/Los_Angeles:20260318T083000
SUMMARY:Arraignment - People v. Nguyen
LOCATION:Dept. 12
X-ALAMEDA-DOCKET:26-CR-099999
X-ALAMEDA-HEARING-TYPE:Arraignment
END:VEVENT
BEGIN:VEVENT
UID:hrg-100005@alameda.courts.ca.gov
SEQUENCE:0
DTSTAMP:20260302T120000Z
DTSTART;TZID=America/Los_Angeles:20260327T100000
SUMMARY:Motion to Suppress - People v. Okafor
LOCATION:Dept. 9
X-ALAMEDA-DOCKET:26-CR-054321
X-ALAMEDA-HEARING-TYPE:Motion to Suppress
END:VEVENT
END:VCALENDAR
)ics";

// A county CSV export: no hearing ids, US dates and 12-hour times, a trailing space in a
// header, a quoted cell with a comma, CRLF line ends.
constexpr const char* kCsvDay1 =
    "Case Number,Defendant,Hearing Date,Hearing Time,Hearing Type,Dept,Judicial Officer,Status,Cancel Reason \r\n"
    "26-CR-012345,\"RAMIREZ, LUIS\",4/16/2026,8:30 AM,Preliminary Hearing,12,\"Alvarez, M.\",Scheduled,\r\n"
    "26-CR-012345,\"RAMIREZ, LUIS\",4/21/2026,1:30 PM,Trial Readiness Conference,12,\"Alvarez, M.\",Scheduled,\r\n"
    "26-CR-054321,\"OKAFOR, JAMES\",4/17/2026,9:00 AM,Motion to Suppress,9,\"Chu, D.\",Scheduled,\r\n"
    "26CR054321,\"OKAFOR, JAMES\",4/24/2026,1:30 PM,Restitution Hearing,9,\"Chu, D.\",Scheduled,\r\n";
// Next day: the preliminary hearing continued to 4/30, the motion vacated, the restitution
// hearing gone, a new sentencing.
constexpr const char* kCsvDay2 =
    "Case Number,Defendant,Hearing Date,Hearing Time,Hearing Type,Dept,Judicial Officer,Status,Cancel Reason \r\n"
    "26-CR-012345,\"RAMIREZ, LUIS\",4/30/2026,8:30 AM,Preliminary Hearing,12,\"Alvarez, M.\",Continued,\r\n"
    "26-CR-012345,\"RAMIREZ, LUIS\",4/21/2026,1:30 PM,Trial Readiness Conference,12,\"Alvarez, M.\",Scheduled,\r\n"
    "26-CR-054321,\"OKAFOR, JAMES\",4/17/2026,9:00 AM,Motion to Suppress,9,\"Chu, D.\",Vacated,Defense withdrew motion\r\n"
    "26-CR-054321,\"OKAFOR, JAMES\",5/1/2026,1:30 PM,Judgment and Sentencing,9,\"Chu, D.\",Scheduled,\r\n";

class CourtEventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Pool::open(database.url(), 2);
    ASSERT_TRUE(opened) << opened.error().message;
    pool = std::move(*opened);
    {
      auto lease = pool->acquire();
      ASSERT_TRUE(lease);
      auto applied = migrate(**lease, embedded_migrations());
      ASSERT_TRUE(applied) << applied.error().message;
    }
    dda1 = user("dda1", "dda");
    dda2 = user("dda2", "dda");
    advocate1 = user("advocate1", "advocate");
    advocate2 = user("advocate2", "advocate");
    case_a = make_case("HT-2026-000101", dda1, "26-CR-012345");
    case_b = make_case("HT-2026-000102", dda2, "26-CR-054321");
    case_c = make_case("HT-2026-000103", dda1, "");
    pros_a = prosecution(case_a, "Luis Ramirez");
    pros_b = prosecution(case_b, "James Okafor");
    const std::string v1 = victim("Jane Doe 1", advocate1, pros_a);
    victim("Jane Doe 2", advocate2, pros_b);
    // The victim of case A asked to be told of every proceeding (Marsy's Law).
    database.exec("INSERT INTO victim_rights (prosecution_id, victim_id, kind, at, created_at) VALUES ('" + pros_a +
                  "', '" + v1 + "', 'notice_requested', now(), now())");
    store = std::make_unique<PgCourtEventStore>(*pool);
  }

  std::string user(const std::string& name, const std::string& role) {
    return database.query_value("INSERT INTO users (username, display_name, role, unit, password_hash) VALUES ('" +
                                name + "', '" + name + "', '" + role + "', 'ht', 'x') RETURNING id");
  }
  std::string make_case(const std::string& da, const std::string& lead, const std::string& docket) {
    const std::string id = database.query_value(
        "INSERT INTO cases (da_number, title, unit, referring_agency, referral_date, lead_dda_id, created_at, "
        "updated_at) VALUES ('" + da + "', 'People v. X', 'ht', 'OPD', '2026-01-05', '" + lead +
        "', now(), now()) RETURNING id");
    if (!docket.empty())
      database.exec("INSERT INTO case_dockets (case_id, docket, normalized) VALUES ('" + id + "', '" + docket +
                    "', '" + normalize_docket(docket) + "')");
    return id;
  }
  std::string prosecution(const std::string& case_id, const std::string& name) {
    const std::string person =
        database.query_value("INSERT INTO persons (name, created_at) VALUES ('" + name + "', now()) RETURNING id");
    return database.query_value("INSERT INTO prosecutions (case_id, person_id, stage, created_at, updated_at) VALUES ('" +
                                case_id + "', '" + person + "', 'Arraigned', now(), now()) RETURNING id");
  }
  std::string victim(const std::string& pseudonym, const std::string& advocate, const std::string& pros) {
    const std::string id = database.query_value(
        "INSERT INTO victims (unit, pseudonym, legal_name_sealed, advocate_id, created_at, updated_at) VALUES ('ht', '" +
        pseudonym + "', 'v1:test:AAAA', '" + advocate + "', now(), now()) RETURNING id");
    database.exec("INSERT INTO victim_links (victim_id, prosecution_id, role, created_at) VALUES ('" + id + "', '" +
                  pros + "', 'named_victim', now())");
    return id;
  }

  AuditEntry audit(TimePoint at = kNow) const {
    AuditEntry a;
    a.at = at;
    a.actor_id = dda1;
    a.actor_username = "dda1";
    a.action = "feed.import";
    a.outcome = "success";
    return a;
  }

  Feed feed(const std::string& name, FeedKind kind, const std::string& mapping = "{}") {
    NewFeed f;
    f.name = name;
    f.kind = kind;
    f.unit = "ht";
    f.mapping_json = mapping;
    auto made = store->create_feed(f, audit(), nullptr);
    EXPECT_TRUE(made) << (made ? "" : made.error().message);
    return made ? *made : Feed{};
  }

  Result<ImportReport> import(const Feed& f, const std::string& bytes, TimePoint at = kNow,
                              std::optional<ImportMode> mode = std::nullopt) {
    adapters::FeedImporter importer(*store);
    adapters::ImportOptions options;
    options.mode = mode;
    options.origin = ImportOrigin::cli;
    return importer.import_file(f, bytes, options, audit(at));
  }

  // First column of the first row, as text, through the pool (one session, no new connection).
  std::string q(const std::string& statement) const {
    auto lease = pool->acquire();
    EXPECT_TRUE(lease);
    if (!lease) return "";
    soci::session& sql = **lease;
    std::string value;
    soci::indicator ind = soci::i_null;
    sql << "SELECT (" + statement + ")::text", soci::into(value, ind);
    return ind == soci::i_ok ? value : "";
  }
  int count(const std::string& statement) const { return std::stoi(q(statement)); }

  // Everything an import may write (the feed's own rows, hearings, history, deadlines,
  // notifications, the queue, the log, the audit chain), as one comparable text.
  std::string footprint() const {
    return q("SELECT (SELECT count(*) FROM court_events) || '/' || (SELECT count(*) FROM court_event_changes) || '/' ||"
             " (SELECT count(*) FROM deadlines) || '/' || (SELECT count(*) FROM notifications) || '/' ||"
             " (SELECT count(*) FROM feed_unmatched) || '/' || (SELECT count(*) FROM feed_imports) || '/' ||"
             " (SELECT count(*) FROM audit_log) || '/' || (SELECT COALESCE(max(sequence), -1) FROM court_events) ||"
             " '/' || (SELECT count(*) FROM deadlines WHERE status = 'superseded')");
  }

  std::string event_of(const std::string& uid) const {
    return q("SELECT id FROM court_events WHERE source_key = 'id:" + uid + "'");
  }

  test::TestDatabase database;
  std::unique_ptr<Pool> pool;
  std::unique_ptr<PgCourtEventStore> store;
  std::string dda1, dda2, advocate1, advocate2, case_a, case_b, case_c, pros_a, pros_b;
};

TEST_F(CourtEventStoreTest, IcalFeedAndItsNextDayVersion) {
  const Feed f = feed("Alameda Dept 12", FeedKind::ical);
  auto day1 = import(f, kIcalDay1);
  ASSERT_TRUE(day1) << day1.error().message;
  EXPECT_EQ(day1->created, 4);
  EXPECT_EQ(day1->unmatched, 1);
  EXPECT_EQ(day1->updated, 0);
  EXPECT_EQ(day1->cancelled, 0);
  EXPECT_TRUE(day1->rejected.empty());

  const std::string prelim = event_of("hrg-100001@alameda.courts.ca.gov");
  const std::string sentencing = event_of("hrg-100002@alameda.courts.ca.gov");
  const std::string readiness = event_of("hrg-100003@alameda.courts.ca.gov");
  const std::string past = event_of("hrg-100000@alameda.courts.ca.gov");
  ASSERT_FALSE(prelim.empty());
  // 08:30 in Oakland on 16 March 2026 is PDT (UTC-7).
  EXPECT_EQ(q("SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || kind || ' ' || department"
              " || ' ' || judge || ' ' || status || ' ' || sequence FROM court_events WHERE id = '" + prelim + "'"),
            "2026-03-16 15:30 preliminary_hearing Dept. 12, Rene C. Davidson Courthouse Hon. Maria Alvarez scheduled 0");
  EXPECT_EQ(q("SELECT case_id FROM court_events WHERE id = '" + sentencing + "'"), case_b);
  EXPECT_EQ(q("SELECT kind FROM court_events WHERE id = '" + sentencing + "'"), "sentencing");

  // Deadlines: PC 1050 and the requested victim notice before each future hearing of case
  // A; PC 1050 and the probation report before the sentencing; none for last month's.
  EXPECT_EQ(q("SELECT string_agg(rule_id || '@' || due_date, ',' ORDER BY rule_id) FROM deadlines"
              " WHERE court_event_id = '" + prelim + "'"),
            "pc1050_continuance_motion@2026-03-12,victim_notice@2026-03-09");
  EXPECT_EQ(q("SELECT string_agg(rule_id, ',' ORDER BY rule_id) FROM deadlines WHERE court_event_id = '" +
              sentencing + "'"),
            "pc1050_continuance_motion,pc1203_probation_report");
  EXPECT_EQ(count("SELECT count(*) FROM deadlines WHERE court_event_id = '" + readiness + "'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM deadlines WHERE court_event_id = '" + past + "'"), 0);

  // Notifications: hearing_scheduled once per hearing to the lead DDA and the victim's
  // advocate; nothing for last month's hearing; nothing to dda1, the lead of case A, who
  // ran the import himself (no alert to the one who made the change).
  EXPECT_EQ(q("SELECT string_agg(u.username || ':' || n.kind, ',' ORDER BY u.username, n.subject_id)"
              " FROM notifications n JOIN users u ON u.id = n.user_id"),
            q("SELECT string_agg(x, ',' ORDER BY x) FROM (VALUES ('advocate1:hearing_scheduled'),"
              " ('advocate1:hearing_scheduled'), ('advocate2:hearing_scheduled'), ('dda2:hearing_scheduled')) v(x)"));
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE subject_id = '" + past + "'"), 0);

  // Unmatched: the arraignment on a docket no case has.
  EXPECT_EQ(q("SELECT docket || ' ' || normalized_docket FROM feed_unmatched WHERE resolved_at IS NULL"),
            "26-CR-099999 26CR099999");

  // Day 2.
  const std::string before_day2 = footprint();
  auto day2 = import(f, kIcalDay2, kNow + hours(24));
  ASSERT_TRUE(day2) << day2.error().message;
  EXPECT_EQ(day2->created, 1);
  EXPECT_EQ(day2->updated, 1);
  EXPECT_EQ(day2->cancelled, 2);
  EXPECT_EQ(day2->unchanged, 0);
  EXPECT_EQ(day2->unmatched, 1);

  EXPECT_EQ(q("SELECT status || ' ' || to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' ||"
              " to_char(original_starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' ' || sequence || ' ' ||"
              " source_sequence FROM court_events WHERE id = '" + prelim + "'"),
            "continued 2026-03-30 15:30 2026-03-16 1 1");
  EXPECT_EQ(q("SELECT string_agg(change || ' ' || COALESCE(to_char(old_starts_at AT TIME ZONE 'UTC', 'MM-DD'), '-')"
              " || '>' || to_char(new_starts_at AT TIME ZONE 'UTC', 'MM-DD'), ',' ORDER BY sequence)"
              " FROM court_event_changes WHERE event_id = '" + prelim + "'"),
            "created ->03-16,continued 03-16>03-30");
  EXPECT_EQ(q("SELECT status || ' / ' || cancel_reason || ' / ' || (cancelled_at IS NOT NULL) FROM court_events"
              " WHERE id = '" + sentencing + "'"),
            "cancelled / Vacated on defense motion; to be reset / true");
  EXPECT_EQ(q("SELECT status || ' / ' || cancel_reason FROM court_events WHERE id = '" + readiness + "'"),
            "cancelled / no longer on the court's calendar");
  EXPECT_EQ(q("SELECT status FROM court_events WHERE id = '" + past + "'"), "scheduled");

  // Deadlines: the continued hearing's old ones superseded and new ones counted from 3/30;
  // the cancelled hearings' superseded; the new motion's created.
  EXPECT_EQ(q("SELECT string_agg(rule_id || '@' || due_date || ':' || status, ',' ORDER BY status, rule_id)"
              " FROM deadlines WHERE court_event_id = '" + prelim + "'"),
            "pc1050_continuance_motion@2026-03-26:open,victim_notice@2026-03-23:open,"
            "pc1050_continuance_motion@2026-03-12:superseded,victim_notice@2026-03-09:superseded");
  EXPECT_EQ(count("SELECT count(*) FROM deadlines WHERE court_event_id IN ('" + sentencing + "', '" + readiness +
                  "') AND status <> 'superseded'"),
            0);
  const std::string motion = event_of("hrg-100005@alameda.courts.ca.gov");
  EXPECT_EQ(q("SELECT string_agg(rule_id, ',') FROM deadlines WHERE court_event_id = '" + motion + "'"),
            "pc1050_continuance_motion");

  // Exactly one notification per change per recipient.
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT user_id, subject_id, kind FROM notifications GROUP BY 1, 2, 3"
                  " HAVING count(*) > 1) d"),
            0);
  EXPECT_EQ(q("SELECT string_agg(u.username, ',' ORDER BY u.username) FROM notifications n JOIN users u"
              " ON u.id = n.user_id WHERE n.kind = 'hearing_changed' AND n.subject_id = '" + prelim + "'"),
            "advocate1");
  EXPECT_EQ(q("SELECT string_agg(u.username, ',' ORDER BY u.username) FROM notifications n JOIN users u"
              " ON u.id = n.user_id WHERE n.kind = 'hearing_cancelled'"),
            "advocate1,advocate2,dda2");
  EXPECT_EQ(q("SELECT string_agg(u.username, ',' ORDER BY u.username) FROM notifications n JOIN users u"
              " ON u.id = n.user_id WHERE n.kind = 'hearing_scheduled' AND n.subject_id = '" + motion + "'"),
            "advocate2,dda2");
  EXPECT_NE(footprint(), before_day2);

  // The same file again: everything unchanged, nothing written but the import's log row and
  // its audit entry.
  const std::string n_notes = q("SELECT count(*) FROM notifications");
  const std::string n_changes = q("SELECT count(*) FROM court_event_changes");
  const std::string n_deadlines = q("SELECT count(*) FROM deadlines");
  auto again = import(f, kIcalDay2, kNow + hours(25));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->created + again->updated + again->cancelled, 0);
  EXPECT_EQ(again->unchanged, 3);
  EXPECT_EQ(again->unmatched, 1);
  EXPECT_EQ(q("SELECT count(*) FROM notifications"), n_notes);
  EXPECT_EQ(q("SELECT count(*) FROM court_event_changes"), n_changes);
  EXPECT_EQ(q("SELECT count(*) FROM deadlines"), n_deadlines);
  EXPECT_EQ(count("SELECT count(*) FROM feed_unmatched"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM feed_imports WHERE feed_id = '" + f.id + "'"), 3);
}

TEST_F(CourtEventStoreTest, ALowerSequenceNeverOverridesAHigherOne) {
  const Feed f = feed("Alameda Dept 12", FeedKind::ical);
  ASSERT_TRUE(import(f, kIcalDay1));
  ASSERT_TRUE(import(f, kIcalDay2, kNow + hours(24)));
  const std::string prelim = event_of("hrg-100001@alameda.courts.ca.gov");
  // A late copy of day 1's two events (SEQUENCE 0) as an update.
  const std::string stale = std::string(kIcalDay1);
  auto report = import(f, stale, kNow + hours(26), ImportMode::incremental);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(q("SELECT to_char(starts_at AT TIME ZONE 'UTC', 'MM-DD') || ' ' || status FROM court_events WHERE id = '" +
              prelim + "'"),
            "03-30 continued");
  EXPECT_EQ(q("SELECT status FROM court_events WHERE id = '" + event_of("hrg-100002@alameda.courts.ca.gov") + "'"),
            "cancelled");
}

TEST_F(CourtEventStoreTest, CsvFeedWithoutHearingIdsPairsAContinuance) {
  const Feed f = feed("County CSV", FeedKind::csv,
                      R"({"docket":"Case Number","date":"Hearing Date","time":"Hearing Time",)"
                      R"("kind":"Hearing Type","department":"Dept","judge":"Judicial Officer"})");
  auto day1 = import(f, kCsvDay1);
  ASSERT_TRUE(day1) << day1.error().message;
  EXPECT_EQ(day1->created, 4);
  EXPECT_EQ(day1->rejected.size(), 0u);
  EXPECT_EQ(q("SELECT string_agg(kind || '@' || to_char(starts_at AT TIME ZONE 'America/Los_Angeles',"
              " 'MM/DD HH24:MI') || '#' || department, ',' ORDER BY starts_at) FROM court_events WHERE feed_id = '" +
              f.id + "'"),
            "preliminary_hearing@04/16 08:30#12,motion@04/17 09:00#9,readiness@04/21 13:30#12,"
            "restitution@04/24 13:30#9");
  // The restitution hearing of an Arraigned prosecution: PC 1202.4's victim notice.
  EXPECT_EQ(count("SELECT count(*) FROM deadlines WHERE rule_id = 'pc1202_4_restitution_notice'"), 1);

  auto day2 = import(f, kCsvDay2, kNow + hours(24));
  ASSERT_TRUE(day2) << day2.error().message;
  EXPECT_EQ(day2->created, 1);    // the sentencing
  EXPECT_EQ(day2->updated, 1);    // the continuance, paired by docket and kind
  EXPECT_EQ(day2->cancelled, 2);  // the vacated motion, the vanished restitution hearing
  EXPECT_EQ(day2->unchanged, 1);  // the readiness conference
  EXPECT_EQ(q("SELECT status || ' ' || to_char(starts_at AT TIME ZONE 'America/Los_Angeles', 'MM/DD') || ' ' ||"
              " to_char(original_starts_at AT TIME ZONE 'America/Los_Angeles', 'MM/DD') FROM court_events"
              " WHERE feed_id = '" + f.id + "' AND kind = 'preliminary_hearing'"),
            "continued 04/30 04/16");
  EXPECT_EQ(q("SELECT reason FROM court_event_changes c JOIN court_events e ON e.id = c.event_id"
              " WHERE e.kind = 'preliminary_hearing' AND c.change = 'continued'"),
            "Continued");
  EXPECT_EQ(q("SELECT cancel_reason FROM court_events WHERE kind = 'motion'"), "Defense withdrew motion");
  EXPECT_EQ(q("SELECT cancel_reason FROM court_events WHERE kind = 'restitution'"),
            "no longer on the court's calendar");
  EXPECT_EQ(count("SELECT count(*) FROM court_events WHERE feed_id = '" + f.id + "'"), 5);

  // Again: nothing changes.
  const std::string notes = q("SELECT count(*) FROM notifications");
  auto again = import(f, kCsvDay2, kNow + hours(25));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->created + again->updated + again->cancelled, 0);
  EXPECT_EQ(again->unchanged, 4);
  EXPECT_EQ(q("SELECT count(*) FROM notifications"), notes);

  // The day after the readiness conference the court reports it held: held, with the court's
  // word in its history, no alert, and the rest of the calendar as it was.
  std::string day3 = kCsvDay2;
  const std::string scheduled = "Trial Readiness Conference,12,\"Alvarez, M.\",Scheduled,";
  day3.replace(day3.find(scheduled), scheduled.size(), "Trial Readiness Conference,12,\"Alvarez, M.\",Held,");
  auto held = import(f, day3, utc(2026, 4, 22, 17));
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(held->updated, 1);
  EXPECT_EQ(held->created + held->cancelled, 0);
  EXPECT_EQ(q("SELECT status FROM court_events WHERE feed_id = '" + f.id + "' AND kind = 'readiness'"), "held");
  EXPECT_EQ(q("SELECT c.reason FROM court_event_changes c JOIN court_events e ON e.id = c.event_id"
              " WHERE e.kind = 'readiness' ORDER BY c.sequence DESC LIMIT 1"),
            "held: Held");
  EXPECT_EQ(q("SELECT count(*) FROM notifications"), notes);
  // A later file that says Scheduled again does not undo it.
  auto later = import(f, kCsvDay2, utc(2026, 4, 23, 17));
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->updated + later->created + later->cancelled, 0);
  EXPECT_EQ(q("SELECT status FROM court_events WHERE feed_id = '" + f.id + "' AND kind = 'readiness'"), "held");
}

TEST_F(CourtEventStoreTest, UnmatchedRecordMatchedByHandIsRemembered) {
  const Feed f = feed("Alameda Dept 12", FeedKind::ical);
  ASSERT_TRUE(import(f, kIcalDay1));
  auto waiting = store->unmatched(f.id, 50, "");
  ASSERT_TRUE(waiting);
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ(waiting->front().record.kind, CourtEventKind::arraignment);
  EXPECT_EQ(waiting->front().docket, "26-CR-099999");

  std::optional<RecordContext> seen;
  auto matched = store->match(
      f.id, waiting->front().id, case_c,
      [&](const RecordContext& c) -> Status {
        seen = c;
        return {};
      },
      audit());
  ASSERT_TRUE(matched) << matched.error().message;
  EXPECT_EQ(matched->created, 1);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->lead_dda_id, dda1);
  EXPECT_EQ(q("SELECT case_id FROM court_events WHERE source_key = 'id:hrg-100004@alameda.courts.ca.gov'"), case_c);
  EXPECT_EQ(q("SELECT case_id FROM feed_docket_matches WHERE normalized_docket = '26CR099999'"), case_c);
  EXPECT_TRUE(store->unmatched(f.id, 50, "")->empty());
  // A second match of the same record: it is no longer waiting.
  auto twice = store->match(f.id, waiting->front().id, case_c, [](const RecordContext&) -> Status { return {}; },
                            audit());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::not_found);

  // A later import with a new hearing on that docket goes to the remembered case.
  std::string day3 = kIcalDay2;
  day3.insert(day3.find("END:VCALENDAR"),
              "BEGIN:VEVENT\nUID:hrg-100006@alameda.courts.ca.gov\nDTSTART;TZID=America/Los_Angeles:20260401T090000\n"
              "SUMMARY:Preliminary Hearing - People v. Nguyen\nX-ALAMEDA-DOCKET:26 CR 099999\nEND:VEVENT\n");
  auto report = import(f, day3, kNow + hours(48));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->unmatched, 0);
  EXPECT_EQ(q("SELECT case_id FROM court_events WHERE source_key = 'id:hrg-100006@alameda.courts.ca.gov'"), case_c);

  // A refusal by the authorizer changes nothing.
  ASSERT_TRUE(import(f, std::string(kIcalDay2).insert(std::string(kIcalDay2).find("END:VCALENDAR"),
                                                        "BEGIN:VEVENT\nUID:hrg-100007@x\nDTSTART:20260410T170000Z\n"
                                                        "SUMMARY:Arraignment\nX-ALAMEDA-DOCKET:26-CR-777777\nEND:VEVENT\n"),
                     kNow + hours(49), ImportMode::incremental));
  auto queue = store->unmatched(f.id, 50, "");
  ASSERT_EQ(queue->size(), 1u);
  const std::string before = footprint();
  auto refused = store->match(
      f.id, queue->front().id, case_c,
      [](const RecordContext&) -> Status { return Error::of(ErrorCode::permission_denied, "not allowed"); }, audit());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  EXPECT_EQ(footprint(), before);
  EXPECT_EQ(count("SELECT count(*) FROM feed_docket_matches"), 1);
}

TEST_F(CourtEventStoreTest, AnImportThatFailsHalfWayChangesNothing) {
  const Feed f = feed("Alameda Dept 12", FeedKind::ical);
  ASSERT_TRUE(import(f, kIcalDay1));
  const std::string before = footprint();
  const std::string prelim_before =
      q("SELECT starts_at || status || sequence FROM court_events WHERE source_key LIKE 'id:hrg-100001%'");
  // The notifications come after the hearings, history and deadlines are written: make them fail.
  database.exec(
      "CREATE FUNCTION fail_notifications() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION "
      "'notification store down'; END $$; CREATE TRIGGER fail_notifications BEFORE INSERT ON notifications FOR EACH "
      "ROW EXECUTE FUNCTION fail_notifications()");
  auto failed = import(f, kIcalDay2, kNow + hours(24));
  ASSERT_FALSE(failed);
  EXPECT_EQ(footprint(), before);
  EXPECT_EQ(q("SELECT starts_at || status || sequence FROM court_events WHERE source_key LIKE 'id:hrg-100001%'"),
            prelim_before);
  database.exec("DROP TRIGGER fail_notifications ON notifications");
  auto retried = import(f, kIcalDay2, kNow + hours(24));
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_EQ(retried->updated, 1);
  EXPECT_EQ(retried->cancelled, 2);
}

TEST_F(CourtEventStoreTest, AnUnreadableFileIsAnErrorAndWritesNothing) {
  const Feed ical = feed("ICS", FeedKind::ical);
  const Feed csv = feed("CSV", FeedKind::csv);
  const std::string before = footprint();
  auto not_ical = import(ical, "Case Number,Hearing Date\r\n26-CR-1,4/19/2026\r\n");
  ASSERT_FALSE(not_ical);
  EXPECT_EQ(not_ical.error().code, ErrorCode::invalid_argument);
  auto no_date = import(csv, "Case Number,Defendant\r\n26-CR-012345,X\r\n");
  ASSERT_FALSE(no_date);
  EXPECT_EQ(no_date.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(footprint(), before);
}

TEST_F(CourtEventStoreTest, AnEmptySnapshotCancelsNothing) {
  const Feed f = feed("Alameda Dept 12", FeedKind::ical);
  ASSERT_TRUE(import(f, kIcalDay1));
  auto empty = import(f, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nEND:VCALENDAR\r\n", kNow + hours(1));
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->cancelled, 0);
  ASSERT_EQ(empty->warnings.size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM court_events WHERE status = 'cancelled'"), 0);
}

TEST_F(CourtEventStoreTest, ManualHearingGoesThroughTheSamePath) {
  NewCourtEvent e;
  e.case_id = case_b;
  e.prosecution_id = pros_b;
  e.kind = CourtEventKind::sentencing;
  e.starts_at = utc(2026, 4, 6, 16, 30);
  e.department = "9";
  AuditEntry a = audit();
  a.action = "court_event.create";
  auto made = store->create_manual(e, [](const RecordContext&) -> Status { return {}; }, a, nullptr);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->source, "manual");
  EXPECT_EQ(made->status, CourtEventStatus::scheduled);
  EXPECT_EQ(made->source_key, "manual:" + made->id);
  ASSERT_EQ(made->history.size(), 1u);
  EXPECT_EQ(made->history[0].change, CourtEventChangeKind::created);
  EXPECT_EQ(made->access.lead_dda_id, dda2);
  EXPECT_EQ(made->access.advocate_ids, std::vector<std::string>{advocate2});
  EXPECT_EQ(q("SELECT string_agg(rule_id, ',' ORDER BY rule_id) FROM deadlines WHERE court_event_id = '" + made->id +
              "' AND prosecution_id = '" + pros_b + "'"),
            "pc1050_continuance_motion,pc1203_probation_report");
  // dda1 entered it for dda2's case: dda2 and the advocate hear of it.
  EXPECT_EQ(q("SELECT string_agg(u.username, ',' ORDER BY u.username) FROM notifications n JOIN users u ON"
              " u.id = n.user_id WHERE n.subject_id = '" + made->id + "'"),
            "advocate2,dda2");
  // Another case's prosecution is refused and nothing is written.
  const std::string before = footprint();
  e.prosecution_id = pros_a;
  auto wrong = store->create_manual(e, [](const RecordContext&) -> Status { return {}; }, a, nullptr);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(footprint(), before);

  // Listing: by scope, with history.
  CourtEventFilter filter;
  filter.scope = ListScope::advocate_victims;
  filter.scope_user_id = advocate2;
  auto mine = store->list(filter);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->front().id, made->id);
  filter.scope_user_id = advocate1;
  EXPECT_TRUE(store->list(filter)->empty());
}

TEST_F(CourtEventStoreTest, RemindersAreQueuedOnceBeforeEachHearing) {
  const Feed f = feed("Alameda Dept 12", FeedKind::ical);
  ASSERT_TRUE(import(f, kIcalDay1));
  // 10 March: the preliminary hearing (16th) is within 7 days, the sentencing (20th) is not.
  const TimePoint march10 = utc(2026, 3, 10, 17, 0);
  auto first = store->sweep_reminders(march10, {7, 1});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, 2);  // the preliminary hearing's: its lead DDA and the victim's advocate
  EXPECT_EQ(q("SELECT string_agg(u.username, ',' ORDER BY u.username) FROM notifications n JOIN users u ON"
              " u.id = n.user_id WHERE n.kind = 'hearing_reminder'"),
            "advocate1,dda1");
  // The next sweep (or another process's) queues nothing more.
  EXPECT_EQ(*store->sweep_reminders(march10, {7, 1}), 0);
}

// --- ../shared/corpora through the real import path ----------------------------------------

std::vector<std::filesystem::path> corpus_candidates() {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  if (const char* src = std::getenv("HEATWATCH_SOURCE_DIR"); src != nullptr && *src != '\0')
    out.push_back(fs::path(src) / ".." / "shared" / "corpora");
  std::error_code ec;
  for (fs::path start : {fs::path(__FILE__).parent_path(), fs::current_path(ec)}) {
    for (fs::path p = start; !p.empty(); p = p.parent_path()) {
      out.push_back(p / "shared" / "corpora");
      if (p == p.parent_path()) break;
    }
  }
  return out;
}

TEST_F(CourtEventStoreTest, EveryCorpusFileIsImportedOrRejectedWithReasons) {
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
  ASSERT_FALSE(root.empty()) << "the shared corpora folder (../shared/corpora beside the project) is absent; looked in:"
                             << looked;
  const Feed ical = feed("corpus", FeedKind::ical);
  const Feed csv = feed("corpus-csv", FeedKind::csv);
  std::size_t files = 0, imported = 0, refused = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".ics" && ext != ".ical" && ext != ".ifb" && ext != ".csv") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string before = footprint();
    const std::string imports_before = q("SELECT count(*) FROM feed_imports");
    auto report = import(ext == ".csv" ? csv : ical, bytes, kNow, ImportMode::incremental);
    if (report) {
      ++imported;
      for (const auto& r : report->rejected) EXPECT_FALSE(r.reason.empty()) << entry.path();
      EXPECT_EQ(std::stoi(q("SELECT count(*) FROM feed_imports")), std::stoi(imports_before) + 1) << entry.path();
      EXPECT_LE(report->created + report->updated + report->cancelled + report->unchanged + report->unmatched,
                report->records)
          << entry.path();
    } else {
      ++refused;
      EXPECT_FALSE(report.error().message.empty()) << entry.path();
      EXPECT_TRUE(report.error().code == ErrorCode::invalid_argument ||
                  report.error().code == ErrorCode::payload_too_large)
          << entry.path() << ": " << report.error().message;
      EXPECT_EQ(footprint(), before) << entry.path();
    }
  }
  EXPECT_GT(files, 100u);
  EXPECT_GT(imported, 0u);
  std::cout << "corpus: " << files << " files, " << imported << " imported, " << refused << " refused\n";
}

}  // namespace
}  // namespace heat::db
