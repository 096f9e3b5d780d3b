#include "engine/victims.hpp"

#include <algorithm>
#include <array>

namespace heat {

std::string_view to_string(Gender g) noexcept {
  switch (g) {
    case Gender::female: return "female";
    case Gender::male: return "male";
    case Gender::nonbinary: return "nonbinary";
    case Gender::unknown: return "unknown";
  }
  return "unknown";
}

Result<Gender> parse_gender(std::string_view text) {
  for (Gender g : {Gender::female, Gender::male, Gender::nonbinary, Gender::unknown})
    if (to_string(g) == text) return g;
  return Error::invalid("gender", "must be one of female, male, nonbinary, unknown");
}

std::string_view pseudonym_prefix(Gender g) noexcept { return g == Gender::male ? "John Doe" : "Jane Doe"; }

std::optional<bool> minor_at_offense(std::optional<std::chrono::sys_days> dob,
                                     std::optional<std::chrono::sys_days> offense_date) {
  if (!dob || !offense_date) return std::nullopt;
  const std::chrono::year_month_day born(*dob);
  std::chrono::year_month_day adult = (born.year() + std::chrono::years(18)) / born.month() / born.day();
  // Born on February 29: the 18th birthday falls on March 1 in a common year.
  if (!adult.ok()) adult = (born.year() + std::chrono::years(18)) / std::chrono::March / std::chrono::day(1);
  return *offense_date < std::chrono::sys_days(adult);
}

namespace {
template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view text) {
  return std::find(names.begin(), names.end(), text) != names.end();
}
}  // namespace

bool is_link_role(std::string_view text) noexcept {
  return one_of(std::array<std::string_view, 2>{"named_victim", "witness"}, text);
}

bool is_rights_kind(std::string_view text) noexcept {
  return one_of(std::array<std::string_view, 4>{"notice_requested", "notice_sent", "conferred", "waived"}, text);
}

bool is_service_domain(std::string_view text) noexcept {
  return one_of(std::array<std::string_view, 8>{"safety_housing", "medical", "mental_health", "substance_use",
                                                "education", "employment", "legal_immigration", "family"},
                text);
}

bool is_risk_level(std::string_view text) noexcept {
  return one_of(std::array<std::string_view, 3>{"low", "medium", "high"}, text);
}

bool needs_victim_conferral(std::string_view event) noexcept { return event == "plead_guilty" || event == "dismiss"; }

std::string_view advocate_alert_kind(std::string_view event) noexcept {
  if (event == "release") return "custody_released";
  if (event == "issue_warrant") return "warrant_issued";
  if (event == "clear_warrant") return "warrant_cleared";
  return {};
}

}  // namespace heat
