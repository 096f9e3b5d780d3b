// Victims (issue 6): pseudonymous records whose identity (legal name, date of birth, contact,
// safety notes) is stored only sealed by a FieldCipher, their links to prosecutions, their
// service plans, Marsy's-law rights entries, and the notification inbox. The VictimStore and
// NotificationStore interfaces are implemented in db/victim_store.hpp. Pure helpers here
// (pseudonym prefix, minor-at-offense, enum spellings) are thread-safe.
#pragma once

#include "engine/access_policy.hpp"
#include "engine/clock.hpp"
#include "engine/identity.hpp"
#include "engine/idempotency.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat {

// ---------------------------------------------------------------------------------------
// Values

enum class Gender : unsigned char { female, male, nonbinary, unknown };
[[nodiscard]] std::string_view to_string(Gender g) noexcept;
// invalid_argument on "gender" for anything but the API.md spellings.
[[nodiscard]] Result<Gender> parse_gender(std::string_view text);

// PC 293.5 pseudonyms: "John Doe" for a male victim, "Jane Doe" for every other (female,
// nonbinary, unknown or unrecorded) — the unit's clients are mostly girls, and a
// pseudonym must never hint at a gender the victim did not state.
[[nodiscard]] std::string_view pseudonym_prefix(Gender g) noexcept;

// True when the victim was under 18 on the offense date (the earliest offense date of the
// linked prosecutions' counts); nullopt when either date is unknown.
[[nodiscard]] std::optional<bool> minor_at_offense(std::optional<std::chrono::sys_days> dob,
                                                   std::optional<std::chrono::sys_days> offense_date);

// "named_victim" | "witness".
[[nodiscard]] bool is_link_role(std::string_view text) noexcept;
// "notice_requested" | "notice_sent" | "conferred" | "waived".
[[nodiscard]] bool is_rights_kind(std::string_view text) noexcept;
// The service-plan domains of API.md ("safety_housing", "medical", ...).
[[nodiscard]] bool is_service_domain(std::string_view text) noexcept;

// Lifecycle events refused while a linked victim has neither conferred nor waived
// (Cal. Const. art. I §28(b)(7)-(8)): a plea and a dismissal.
[[nodiscard]] bool needs_victim_conferral(std::string_view event) noexcept;
// The advocate alert a lifecycle event raises ("custody_released", "warrant_issued",
// "warrant_cleared"), or empty.
[[nodiscard]] std::string_view advocate_alert_kind(std::string_view event) noexcept;

// ---------------------------------------------------------------------------------------
// Records

// The sealed part of a victim. Only ever shown to callers field_visible() allows.
struct VictimIdentity {
  std::string legal_name;
  std::optional<std::chrono::sys_days> dob;
  std::optional<std::string> contact;  // JSON object text
  std::optional<std::string> safety_notes;
};

struct NewVictim {
  std::string unit;
  VictimIdentity identity;
  Gender gender = Gender::unknown;
  std::optional<std::string> race_ethnicity;
  std::optional<std::string> residence_city;
  std::optional<std::string> residence_county;
  std::optional<std::string> residence_state;
  std::string advocate_id;  // may be empty
};

struct VictimLink {
  std::string victim_id;
  std::string prosecution_id;
  std::string case_id;
  std::string role;
  TimePoint created_at{};
};

struct Victim {
  std::string id;
  std::string unit;
  std::string pseudonym;
  Gender gender = Gender::unknown;
  std::optional<std::string> race_ethnicity;
  std::optional<std::string> residence_city;
  std::optional<std::string> residence_county;
  std::optional<std::string> residence_state;
  std::string advocate_id;
  std::optional<bool> minor_at_offense;  // derived (dob is opened inside the store, never shown)
  std::vector<VictimLink> links;
  int version = 1;
  TimePoint created_at{};
  // unit, victim_advocate_id, linked_dda_ids (lead and assigned DDAs of linked cases).
  RecordContext access;
};

struct ServiceItem {
  std::string id;
  std::string victim_id;
  std::string domain;
  std::string provider;
  std::string goal;
  std::string status = "referred";
  std::optional<std::chrono::sys_days> review_on;
  int version = 1;
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct NewServiceItem {
  std::string domain;
  std::string provider;
  std::string goal;
  std::string status = "referred";
  std::optional<std::chrono::sys_days> review_on;
};

// PATCH of an item: absent members are left as they are.
struct ServiceItemPatch {
  std::optional<std::string> provider;
  std::optional<std::string> goal;
  std::optional<std::string> status;
  std::optional<std::optional<std::chrono::sys_days>> review_on;  // value nullopt clears
};

// Decides a status change under the item's row lock: (from, to) -> the new status, or the
// machine's error (conflict with allowed statuses). workflows/service_plan_item provides it.
using StatusDecider = std::function<Result<std::string>(const std::string& from, const std::string& to)>;

struct RightsEntry {
  std::string id;
  std::string prosecution_id;
  std::string victim_id;
  std::string kind;
  TimePoint at{};
  std::optional<std::string> notes;
  std::optional<std::string> reason;
  std::string recorded_by;
  TimePoint created_at{};
};

// A victim linked to a prosecution, with the victim's advocate (for the policy's advocate_ids).
struct LinkedVictim {
  std::string victim_id;
  std::string advocate_id;
  std::string pseudonym;
};

// Safety Net (MDT): partner agencies under an MOU, weekly meetings, reviews and the agenda.
struct Agency {
  std::string id;
  std::string name;
  std::vector<Field> mou_scope;  // agenda fields the agency may see (is_mou_field)
};

struct MdtMeeting {
  std::string id;
  std::string unit;
  std::chrono::sys_days date{};
  std::vector<std::string> agency_ids;
};

struct MdtReview {
  std::string id;
  std::string victim_id;
  std::chrono::sys_days meeting_date{};
  std::vector<std::string> agencies_present;
  bool whereabouts_known = false;
  bool safe_and_stable = false;
  bool receiving_services = false;
  std::string point_of_contact;
  std::string risk_level;           // "low" | "medium" | "high"
  std::string next_steps = "[]";    // JSON text: [{"action","owner"?}] or a string
  std::optional<std::chrono::sys_days> next_review_on;
  TimePoint created_at{};
};

// One youth on a meeting's agenda: reviewed at that meeting date or scheduled for it.
struct AgendaItem {
  std::string victim_id;
  std::string pseudonym;
  std::vector<std::string> court_dates;  // pending trial dates and next appearances (YYYY-MM-DD)
  std::vector<ServiceItem> open_service_items;  // referred or engaged
  std::optional<MdtReview> last_review;         // the latest on or before the meeting date
};

struct ProtectiveOrder {
  std::string id;
  std::string prosecution_id;
  std::vector<std::string> protected_victim_ids;
  std::chrono::sys_days issued_on{};
  std::chrono::sys_days expires_on{};
  std::string terms;
  TimePoint created_at{};
};

// Lead times of the protective-order expiry alerts, in calendar days.
inline constexpr int kProtectiveOrderAlertDays[] = {14, 1};

// "low" | "medium" | "high".
[[nodiscard]] bool is_risk_level(std::string_view text) noexcept;

using VictimAuthorizer = std::function<Status(const RecordContext&)>;

class VictimStore {
 public:
  virtual ~VictimStore() = default;

  // Seals the identity, numbers the pseudonym within (unit, prefix) and audits, in one
  // transaction. invalid_argument (advocate_id) when the advocate is not an active advocate.
  [[nodiscard]] virtual Result<Victim> create_victim(const NewVictim& v, const AuditEntry& audit,
                                                     const Idempotent<Victim>* idem) = 0;
  // The pseudonymous record (nullopt when absent).
  [[nodiscard]] virtual Result<std::optional<Victim>> get_victim(const std::string& id) = 0;
  // Opens the sealed identity and appends `audit` (action victim.identity_read) in one
  // transaction: no read without its audit entry. not_found when absent.
  [[nodiscard]] virtual Result<VictimIdentity> read_identity(const std::string& id, const AuditEntry& audit) = 0;
  // Links a victim to a prosecution. `authorize` gets the prosecution's context (its case's
  // unit and team). not_found (victim or prosecution), domain_rule when the units differ,
  // already_exists when linked already.
  [[nodiscard]] virtual Result<VictimLink> link(const std::string& victim_id, const std::string& prosecution_id,
                                                const std::string& role, const VictimAuthorizer& authorize,
                                                const AuditEntry& audit, const Idempotent<VictimLink>* idem) = 0;
  [[nodiscard]] virtual Result<std::vector<LinkedVictim>> linked_victims(const std::string& prosecution_id) = 0;

  [[nodiscard]] virtual Result<std::vector<ServiceItem>> service_plan(const std::string& victim_id) = 0;
  [[nodiscard]] virtual Result<ServiceItem> add_service_item(const std::string& victim_id, const NewServiceItem& item,
                                                             const AuditEntry& audit,
                                                             const Idempotent<ServiceItem>* idem) = 0;
  // Under the item's row lock: If-Match (412), the status decider (409), then the write.
  [[nodiscard]] virtual Result<ServiceItem> patch_service_item(const std::string& victim_id,
                                                               const std::string& item_id,
                                                               std::optional<int> expected_version,
                                                               const ServiceItemPatch& patch,
                                                               const StatusDecider& decide,
                                                               const AuditEntry& audit) = 0;

  // not_found (victim_id) when the victim is not linked to the prosecution.
  [[nodiscard]] virtual Result<RightsEntry> add_rights_entry(const RightsEntry& entry, const AuditEntry& audit,
                                                             const Idempotent<RightsEntry>* idem) = 0;
  [[nodiscard]] virtual Result<std::vector<RightsEntry>> rights_entries(const std::string& prosecution_id) = 0;

  // Safety Net. already_exists when an agency of that name (any case) exists.
  [[nodiscard]] virtual Result<Agency> create_agency(const Agency& agency, const AuditEntry& audit,
                                                     const Idempotent<Agency>* idem) = 0;
  [[nodiscard]] virtual Result<std::optional<Agency>> get_agency(const std::string& id) = 0;
  // invalid_argument (agency_ids) naming an unknown agency; already_exists when the unit
  // already meets that day.
  [[nodiscard]] virtual Result<MdtMeeting> create_meeting(const MdtMeeting& meeting, const AuditEntry& audit,
                                                          const Idempotent<MdtMeeting>* idem) = 0;
  [[nodiscard]] virtual Result<std::vector<MdtMeeting>> meetings_on(std::chrono::sys_days date) = 0;
  [[nodiscard]] virtual Result<MdtReview> add_review(const MdtReview& review, const AuditEntry& audit,
                                                     const Idempotent<MdtReview>* idem) = 0;
  // The youths of the meeting's unit reviewed on, or scheduled for, its date.
  [[nodiscard]] virtual Result<std::vector<AgendaItem>> agenda(const MdtMeeting& meeting) = 0;

  // PC 136.2. invalid_argument (protected_victim_ids) when a victim is not linked to the
  // prosecution.
  [[nodiscard]] virtual Result<ProtectiveOrder> add_protective_order(const ProtectiveOrder& order,
                                                                     const AuditEntry& audit,
                                                                     const Idempotent<ProtectiveOrder>* idem) = 0;
  // Queues protective_order_expiring to the advocate of each protected victim when an order
  // expires within each of `days_ahead` calendar days (court-local today); one notification per
  // (advocate, order, lead time), so any number of processes may sweep at once. Returns how
  // many were queued.
  [[nodiscard]] virtual Result<int> sweep_protective_orders(TimePoint now, const std::vector<int>& days_ahead) = 0;
};

struct Notification {
  std::string id;
  std::string user_id;
  std::string kind;
  std::string subject_id;
  std::string payload = "{}";
  TimePoint created_at{};
  std::optional<TimePoint> read_at;
  std::optional<TimePoint> delivered_at;  // every channel has delivered it
};

// A way notifications reach their user. The in-app inbox is the one channel today; e-mail or
// SMS come later as further implementations. The delivery job calls deliver() until it
// succeeds once per (notification, channel); an error is recorded and retried next run.
class NotificationChannel {
 public:
  virtual ~NotificationChannel() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;  // [a-z_]+, recorded per delivery
  [[nodiscard]] virtual Status deliver(const Notification& notification) = 0;
};

// The inbox: a notification stored for its user is in the inbox, so delivery succeeds.
class InAppChannel final : public NotificationChannel {
 public:
  [[nodiscard]] std::string_view name() const override { return "in_app"; }
  [[nodiscard]] Status deliver(const Notification&) override { return {}; }
};

struct DeliveryReport {
  int delivered = 0;  // notifications now delivered by every channel
  int failed = 0;     // channel attempts that failed (retried on the next run)
};

struct NotificationFilter {
  std::string user_id;
  bool unread_only = false;
  std::string cursor;  // "<created_at micros>_<id>" of the last item of the previous page
  int limit = 50;      // rows to read (callers ask limit + 1 to know whether more follow)
};

// The in-app inbox, and the delivery job that hands notifications to the channels.
class NotificationStore {
 public:
  virtual ~NotificationStore() = default;
  // Newest first.
  [[nodiscard]] virtual Result<std::vector<Notification>> list(const NotificationFilter& filter) = 0;
  [[nodiscard]] virtual Result<std::optional<Notification>> get(const std::string& id) = 0;
  // Sets read_at (once; a repeat keeps the first time).
  [[nodiscard]] virtual Result<Notification> mark_read(const std::string& id, TimePoint now) = 0;
  // Hands up to `limit` undelivered notifications to each channel that has not delivered
  // them yet, recording each attempt; claimed with SKIP LOCKED, so several processes may run
  // it at once and each notification goes to each channel once.
  [[nodiscard]] virtual Result<DeliveryReport> deliver_pending(TimePoint now,
                                                               const std::vector<NotificationChannel*>& channels,
                                                               int limit) = 0;
};

}  // namespace heat
