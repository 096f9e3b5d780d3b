#include "adapters/court_feed.hpp"

#include <gtest/gtest.h>

#include <date/date.h>
#include <date/tz.h>

#include <string>
#include <utility>
#include <vector>

namespace heat::adapters {
namespace {

using namespace std::chrono_literals;

TEST(NormalizeDocket, DropsCasePunctuationAndSpaces) {
  EXPECT_EQ(normalize_docket("26-CR-012345"), "26CR012345");
  EXPECT_EQ(normalize_docket("26cr012345"), "26CR012345");
  EXPECT_EQ(normalize_docket(" 26 CR 012345 "), "26CR012345");
  EXPECT_EQ(normalize_docket("26.cr.012345"), "26CR012345");
  EXPECT_EQ(normalize_docket("CR-26-012345-A"), "CR26012345A");
  EXPECT_EQ(normalize_docket("26\xE2\x80\x91"
                             "CR\xE2\x80\x91"
                             "012345"),  // non-breaking hyphens
            "26CR012345");
  EXPECT_EQ(normalize_docket(""), "");
  EXPECT_EQ(normalize_docket("--"), "");
  EXPECT_EQ(normalize_docket("26-CR-012345"), normalize_docket("26cr012345"));
}

TEST(FindDocketInText, FindsTheFirstDocketLookingToken) {
  struct Row {
    std::string text;
    std::string docket;
  };
  const std::vector<Row> rows{
      {"Preliminary Hearing - People v. Doe, 26-CR-012345", "26-CR-012345"},
      {"Arraignment 26CR013001", "26CR013001"},
      {"Case No. CR-26-004417 (Dept. 9)", "CR-26-004417"},
      {"People v. Roe, Case No. 25-CR-009876.\nVictim restitution", "25-CR-009876"},
      {"FVI1234567 sentencing", "FVI1234567"},
      {"Co-defendant 26-CR-012345-A", "26-CR-012345-A"},
      {"Jury Trial, Dept. 12, 8:30 AM, call 510-272-6222", ""},
      {"Hearing on 2026-04-19 in Oakland, CA 94612", ""},
      {"", ""},
  };
  for (const Row& r : rows) EXPECT_EQ(find_docket_in_text(r.text), r.docket) << r.text;
}

TEST(HearingKindFromText, ReadsCourtWording) {
  struct Row {
    std::string text;
    HearingKind kind;
  };
  const std::vector<Row> rows{
      {"Preliminary Hearing", HearingKind::preliminary_hearing},
      {"PRELIM", HearingKind::preliminary_hearing},
      {"Prelim - People v. Doe", HearingKind::preliminary_hearing},
      {"PX", HearingKind::preliminary_hearing},
      {"Arraignment", HearingKind::arraignment},
      {"Arraignment on Information", HearingKind::arraignment},
      {"ARR", HearingKind::arraignment},
      {"Jury Trial", HearingKind::trial},
      {"Court Trial", HearingKind::trial},
      {"JT", HearingKind::trial},
      {"Sentencing", HearingKind::sentencing},
      {"Judgment and Sentencing", HearingKind::sentencing},
      {"Restitution Hearing", HearingKind::restitution},
      {"Motion to Suppress (PC 1538.5)", HearingKind::motion},
      {"Motion to Continue Trial", HearingKind::motion},
      {"Readiness Conference", HearingKind::readiness},
      {"Pretrial Conference", HearingKind::readiness},
      {"Pre-Trial Conference", HearingKind::readiness},
      {"Trial Readiness Conference", HearingKind::readiness},
      {"Trial Setting Conference", HearingKind::readiness},
      {"PTC", HearingKind::readiness},
      {"Status Conference", HearingKind::other},
      {"Bail Review", HearingKind::other},
      {"", HearingKind::other},
  };
  for (const Row& r : rows) EXPECT_EQ(hearing_kind_from_text(r.text), r.kind) << r.text;
}

TEST(HearingKind, StringMappingRoundTrips) {
  const std::vector<std::pair<HearingKind, std::string>> all{
      {HearingKind::arraignment, "arraignment"}, {HearingKind::preliminary_hearing, "preliminary_hearing"},
      {HearingKind::readiness, "readiness"},     {HearingKind::trial, "trial"},
      {HearingKind::sentencing, "sentencing"},   {HearingKind::restitution, "restitution"},
      {HearingKind::motion, "motion"},           {HearingKind::other, "other"},
  };
  for (const auto& [kind, text] : all) {
    EXPECT_EQ(to_string(kind), text);
    EXPECT_EQ(hearing_kind_from_string(text), kind);
  }
  EXPECT_EQ(hearing_kind_from_string("Preliminary Hearing"), std::nullopt);
  EXPECT_EQ(to_string(HearingStatus::scheduled), "scheduled");
  EXPECT_EQ(to_string(HearingStatus::cancelled), "cancelled");
  EXPECT_EQ(to_string(HearingStatus::held), "held");
}

TEST(HearingStatusFromText, CancelledHeldWordingAndNotes) {
  struct Row {
    std::string text;
    HearingStatus status;
    bool plain;
  };
  const std::vector<Row> rows{
      {"", HearingStatus::scheduled, true},
      {"Scheduled", HearingStatus::scheduled, true},
      {"SET", HearingStatus::scheduled, true},
      {"Cancelled", HearingStatus::cancelled, false},
      {"CANCELED", HearingStatus::cancelled, false},
      {"Vacated", HearingStatus::cancelled, false},
      {"Off Calendar", HearingStatus::cancelled, false},
      {"off-calendar", HearingStatus::cancelled, false},
      {"OTC", HearingStatus::cancelled, false},
      {"Dropped", HearingStatus::cancelled, false},
      {"Continued", HearingStatus::scheduled, false},
      {"Held", HearingStatus::held, false},
      {"HEARD", HearingStatus::held, false},
      {"Heard and Submitted", HearingStatus::held, false},
      {"Completed", HearingStatus::held, false},
      {"Concluded", HearingStatus::held, false},
      {"Held Over", HearingStatus::scheduled, false},
      {"Held to Answer", HearingStatus::scheduled, false},
  };
  for (const Row& r : rows) {
    const StatusReading s = hearing_status_from_text(r.text);
    EXPECT_EQ(s.status, r.status) << r.text;
    EXPECT_EQ(s.plain, r.plain) << r.text;
  }
}

TEST(FeedMapping, FromFields) {
  const auto m = FeedMapping::from_fields({{"docket", "CaseNumber"}, {"date", "HearingDate"}, {"kind", "Type"}});
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->docket, "CaseNumber");
  EXPECT_EQ(m->date, "HearingDate");
  EXPECT_EQ(m->hearing_type, "Type");
  EXPECT_TRUE(m->time.empty());

  const auto all = FeedMapping::from_fields({{"docket", "a"},
                                             {"hearing_type", "b"},
                                             {"date", "c"},
                                             {"time", "d"},
                                             {"department", "e"},
                                             {"judge", "f"},
                                             {"hearing_id", "g"},
                                             {"status", "h"},
                                             {"cancel_reason", "i"}});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(*all, (FeedMapping{"a", "b", "c", "d", "e", "f", "g", "h", "i"}));

  const auto unknown = FeedMapping::from_fields({{"docket", "a"}, {"courtroom", "b"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(unknown.error().fields, (std::vector<FieldError>{{"mapping.courtroom", "unknown mapping field"}}));

  const auto empty = FeedMapping::from_fields({{"docket", "  "}});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().fields.at(0).field, "mapping.docket");

  const auto twice = FeedMapping::from_fields({{"kind", "a"}, {"hearing_type", "b"}});
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().fields, (std::vector<FieldError>{{"mapping.hearing_type", "given twice"}}));
}

TEST(LocalToUtc, FollowsRfc5545AtDstChanges) {
  const date::time_zone& la = *date::locate_zone(kCourtLocalZone);
  auto at = [](int y, unsigned m, unsigned d, int h, int min) {
    return date::local_seconds{date::local_days{date::year{y} / m / d}} + std::chrono::hours{h} +
           std::chrono::minutes{min};
  };
  auto utc = [](int y, unsigned m, unsigned d, int h, int min) {
    return std::chrono::sys_seconds{date::sys_days{date::year{y} / m / d}} + std::chrono::hours{h} +
           std::chrono::minutes{min};
  };
  EXPECT_EQ(local_to_utc(la, at(2026, 4, 19, 8, 30)), utc(2026, 4, 19, 15, 30));   // PDT
  EXPECT_EQ(local_to_utc(la, at(2026, 12, 3, 13, 30)), utc(2026, 12, 3, 21, 30));  // PST
  // 2026-03-08 02:30 does not exist: read with the offset before the gap (PST).
  EXPECT_EQ(local_to_utc(la, at(2026, 3, 8, 2, 30)), utc(2026, 3, 8, 10, 30));
  // 2026-11-01 01:30 happens twice: the first (PDT).
  EXPECT_EQ(local_to_utc(la, at(2026, 11, 1, 1, 30)), utc(2026, 11, 1, 8, 30));
}

}  // namespace
}  // namespace heat::adapters
