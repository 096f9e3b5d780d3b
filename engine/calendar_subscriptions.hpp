// Calendar subscriptions (issue 7, export): a user's revocable .ics URL carrying the hearings
// of their cases. The URL holds a random 256-bit token; only its SHA-256 is stored, so a
// database read does not give anyone a working URL. The port is fulfilled by db/; the
// iCalendar text is written by adapters/ical_writer.hpp.
#pragma once

#include "engine/access_policy.hpp"
#include "engine/clock.hpp"
#include "engine/identity.hpp"
#include "engine/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace heat {

// Cancelled hearings stay in an exported calendar this long after their cancellation (as
// STATUS:CANCELLED, so subscribed clients remove or strike them), then leave it.
inline constexpr std::chrono::days kCancelledHearingRetention{30};

// One hearing as a subscribed calendar shows it: only what a public court calendar shows
// (see adapters/ical_writer.hpp for what is written and why nothing more).
struct CalendarHearing {
  std::string id;          // the court event's id: the iCalendar UID is "<id>@heatwatch"
  std::string kind;        // API spelling: "preliminary_hearing", ...
  std::string status;      // "scheduled" | "continued" | "cancelled" | "held"
  std::string department;  // may be empty
  std::string da_number;   // the case's DA number
  std::string docket;      // a court docket number of the case; may be empty
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;
  bool all_day = false;    // a date without a time of day (starts_at = local midnight)
  int sequence = 0;        // the event's change counter (iCalendar SEQUENCE)
  TimePoint updated_at{};  // the last change (DTSTAMP, LAST-MODIFIED)
  // When it was cancelled (status "cancelled"); nullopt otherwise. A cancelled hearing
  // without this time is taken as cancelled at updated_at.
  std::optional<TimePoint> cancelled_at;
};

struct CalendarSubscription {
  std::string id;
  std::string user_id;
  TimePoint created_at{};
  std::optional<TimePoint> revoked_at;
};

// The owner of an active subscription, as the feed is computed for them.
struct CalendarSubscriber {
  std::string subscription_id;
  Principal owner;
};

// Whose hearings a calendar shows (issue 7: "a DDA's cases, an advocate's victims' cases").
enum class CalendarScope : unsigned char {
  none,              // no calendar for this role (leadership, MDT partners, admins)
  my_cases,          // a DDA: cases they lead or are assigned to
  unit_cases,        // a supervisor: their unit's cases, and cases they are assigned to
  advocate_victims,  // an advocate: cases whose prosecutions link to their victims
};
// The scope of a subscription owner's calendar, by role; `none` when the owner may not
// subscribe any more (the role changed).
[[nodiscard]] inline CalendarScope calendar_scope(const Principal& owner) {
  if (!role_gate(owner, Action::calendar_subscribe).allowed()) return CalendarScope::none;
  switch (owner.role) {
    case Role::dda: return CalendarScope::my_cases;
    case Role::supervisor: return CalendarScope::unit_cases;
    case Role::advocate: return CalendarScope::advocate_victims;
    default: return CalendarScope::none;
  }
}

class CalendarSubscriptionStore {
 public:
  virtual ~CalendarSubscriptionStore() = default;
  // Stores a new subscription of `user_id` under `token_sha256_hex` (64 lower-case hex
  // digits), with its audit entry in the same transaction (entity_id is filled in).
  [[nodiscard]] virtual Result<CalendarSubscription> create(const std::string& user_id,
                                                            const std::string& token_sha256_hex, TimePoint now,
                                                            AuditEntry audit) = 0;
  // nullopt when absent (revoked ones are returned, with revoked_at set).
  [[nodiscard]] virtual Result<std::optional<CalendarSubscription>> get(const std::string& id) = 0;
  // Marks it revoked (idempotent: revoking twice keeps the first time), audited.
  // not_found when absent.
  [[nodiscard]] virtual Status revoke(const std::string& id, TimePoint now, AuditEntry audit) = 0;
  // The active (not revoked) subscription whose token hashes to this, with its owner's
  // current role and unit; nullopt for an unknown or revoked token, or a disabled owner.
  [[nodiscard]] virtual Result<std::optional<CalendarSubscriber>> find_active(const std::string& token_sha256_hex) = 0;
  // The hearings of the owner's calendar (see CalendarScope), ordered by start then id.
  // Hearings cancelled more than kCancelledHearingRetention before `now` are left out, as
  // are hearings that started more than a year before `now`. At most `limit` rows.
  [[nodiscard]] virtual Result<std::vector<CalendarHearing>> hearings_for(const Principal& owner, CalendarScope scope,
                                                                           TimePoint now, int limit) = 0;
};

}  // namespace heat
