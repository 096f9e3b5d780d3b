#include "engine/victims.hpp"

#include "engine/cases.hpp"

#include <gtest/gtest.h>

namespace heat {
namespace {

using namespace std::chrono;

sys_days d(int y, unsigned m, unsigned day) { return sys_days(year(y) / month(m) / std::chrono::day(day)); }

TEST(Victims, PseudonymPrefixIsJohnOnlyForMaleVictims) {
  EXPECT_EQ(pseudonym_prefix(Gender::male), "John Doe");
  for (Gender g : {Gender::female, Gender::nonbinary, Gender::unknown}) EXPECT_EQ(pseudonym_prefix(g), "Jane Doe");
}

TEST(Victims, GenderSpellings) {
  for (Gender g : {Gender::female, Gender::male, Gender::nonbinary, Gender::unknown})
    EXPECT_EQ(parse_gender(to_string(g)).value(), g);
  auto bad = parse_gender("Female");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().fields.at(0).field, "gender");
}

struct MinorRow {
  sys_days dob;
  sys_days offense;
  bool minor;
};

TEST(Victims, MinorAtOffenseIsUnderEighteenOnTheOffenseDate) {
  const MinorRow rows[] = {
      {d(2008, 6, 15), d(2026, 6, 14), true},   // the day before the 18th birthday
      {d(2008, 6, 15), d(2026, 6, 15), false},  // on the birthday: an adult
      {d(2010, 1, 1), d(2026, 10, 1), true},
      {d(1990, 1, 1), d(2026, 10, 1), false},
      {d(2008, 2, 29), d(2026, 2, 28), true},   // leap-day birth: adult on March 1 of a common year
      {d(2008, 2, 29), d(2026, 3, 1), false},
  };
  for (const auto& r : rows) EXPECT_EQ(minor_at_offense(r.dob, r.offense), r.minor) << format_date(r.dob);
  EXPECT_EQ(minor_at_offense(std::nullopt, d(2026, 1, 1)), std::nullopt);
  EXPECT_EQ(minor_at_offense(d(2010, 1, 1), std::nullopt), std::nullopt);
}

TEST(Victims, EnumSpellingsOfApiMd) {
  EXPECT_TRUE(is_link_role("named_victim"));
  EXPECT_TRUE(is_link_role("witness"));
  EXPECT_FALSE(is_link_role("victim"));
  for (const char* k : {"notice_requested", "notice_sent", "conferred", "waived"}) EXPECT_TRUE(is_rights_kind(k));
  EXPECT_FALSE(is_rights_kind("notified"));
  for (const char* s : {"safety_housing", "medical", "mental_health", "substance_use", "education", "employment",
                        "legal_immigration", "family"})
    EXPECT_TRUE(is_service_domain(s));
  EXPECT_FALSE(is_service_domain("housing"));
}

TEST(Victims, GatedEventsAndAlerts) {
  EXPECT_TRUE(needs_victim_conferral("plead_guilty"));
  EXPECT_TRUE(needs_victim_conferral("dismiss"));
  EXPECT_FALSE(needs_victim_conferral("verdict_guilty"));
  EXPECT_EQ(advocate_alert_kind("release"), "custody_released");
  EXPECT_EQ(advocate_alert_kind("issue_warrant"), "warrant_issued");
  EXPECT_EQ(advocate_alert_kind("clear_warrant"), "warrant_cleared");
  EXPECT_EQ(advocate_alert_kind("book"), "");
}

}  // namespace
}  // namespace heat
