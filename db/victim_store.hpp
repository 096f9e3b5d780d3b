// Victims, their prosecution links, service plans, Marsy's-law entries and the notification
// inbox in PostgreSQL (engine/victims.hpp). Identity fields are sealed with the FieldCipher
// before they reach SQL and opened only in read_identity(), which audits in the same
// transaction. Also the two hooks the lifecycle event transaction calls (db/case_store.cpp):
// the Marsy's-law conferral gate and the advocates' custody and warrant alerts.
// Thread-safe: each call borrows its own pooled session; the cipher is immutable.
#pragma once

#include "db/evidence_store.hpp"
#include "db/pool.hpp"
#include "engine/field_cipher.hpp"
#include "engine/victims.hpp"

namespace heat::db {

// Inside the event's transaction: domain_rule naming every linked victim without a
// `conferred` or `waived` entry when `event` is a plea or dismissal. Throws soci errors.
[[nodiscard]] Status check_victim_conferral(soci::session& sql, const std::string& prosecution_id,
                                            const std::string& event);

// Inside the event's transaction: queues one notification per advocate of the victims linked
// to the prosecution for release / issue_warrant / clear_warrant, keyed by the transition's
// sequence number so each alert is queued exactly once. Throws soci errors.
void queue_advocate_alerts(soci::session& sql, const std::string& prosecution_id, const std::string& event,
                           TimePoint occurred_at, TimePoint now);

class PgVictimStore final : public VictimStore {
 public:
  PgVictimStore(Pool& pool, const FieldCipher& cipher) : pool_(pool), cipher_(cipher) {}

  [[nodiscard]] Result<Victim> create_victim(const NewVictim& v, const AuditEntry& audit,
                                             const Idempotent<Victim>* idem) override;
  [[nodiscard]] Result<std::optional<Victim>> get_victim(const std::string& id) override;
  [[nodiscard]] Result<VictimIdentity> read_identity(const std::string& id, const AuditEntry& audit) override;
  [[nodiscard]] Result<VictimLink> link(const std::string& victim_id, const std::string& prosecution_id,
                                        const std::string& role, const VictimAuthorizer& authorize,
                                        const AuditEntry& audit, const Idempotent<VictimLink>* idem) override;
  [[nodiscard]] Result<std::vector<LinkedVictim>> linked_victims(const std::string& prosecution_id) override;
  [[nodiscard]] Result<std::vector<ServiceItem>> service_plan(const std::string& victim_id) override;
  [[nodiscard]] Result<ServiceItem> add_service_item(const std::string& victim_id, const NewServiceItem& item,
                                                     const AuditEntry& audit,
                                                     const Idempotent<ServiceItem>* idem) override;
  [[nodiscard]] Result<ServiceItem> patch_service_item(const std::string& victim_id, const std::string& item_id,
                                                       std::optional<int> expected_version,
                                                       const ServiceItemPatch& patch, const StatusDecider& decide,
                                                       const AuditEntry& audit) override;
  [[nodiscard]] Result<RightsEntry> add_rights_entry(const RightsEntry& entry, const AuditEntry& audit,
                                                     const Idempotent<RightsEntry>* idem) override;
  [[nodiscard]] Result<std::vector<RightsEntry>> rights_entries(const std::string& prosecution_id) override;
  [[nodiscard]] Result<Agency> create_agency(const Agency& agency, const AuditEntry& audit,
                                             const Idempotent<Agency>* idem) override;
  [[nodiscard]] Result<std::optional<Agency>> get_agency(const std::string& id) override;
  [[nodiscard]] Result<MdtMeeting> create_meeting(const MdtMeeting& meeting, const AuditEntry& audit,
                                                  const Idempotent<MdtMeeting>* idem) override;
  [[nodiscard]] Result<std::vector<MdtMeeting>> meetings_on(std::chrono::sys_days date) override;
  [[nodiscard]] Result<MdtReview> add_review(const MdtReview& review, const AuditEntry& audit,
                                             const Idempotent<MdtReview>* idem) override;
  [[nodiscard]] Result<std::vector<AgendaItem>> agenda(const MdtMeeting& meeting) override;
  [[nodiscard]] Result<ProtectiveOrder> add_protective_order(const ProtectiveOrder& order,
                                                             const AuditEntry& audit,
                                                             const Idempotent<ProtectiveOrder>* idem) override;
  [[nodiscard]] Result<int> sweep_protective_orders(TimePoint now, const std::vector<int>& days_ahead) override;

 private:
  std::optional<Victim> load(soci::session& sql, const std::string& id) const;

  Pool& pool_;
  const FieldCipher& cipher_;
};

// The redaction check's identity values (issue 8's extension point): the legal name, date of
// birth and contact values of the victims linked to any prosecution of the case, opened with
// the cipher. The values are compared inside the server and never leave it. A value that
// cannot be opened (a key missing from the ring) fails the check closed (internal error).
class PgSealedVictimIdentitySource final : public VictimIdentitySource {
 public:
  PgSealedVictimIdentitySource(Pool& pool, const FieldCipher& cipher) : pool_(pool), cipher_(cipher) {}
  [[nodiscard]] Result<std::vector<VictimIdentityValue>> identities_for_case(const std::string& case_id) override;

 private:
  Pool& pool_;
  const FieldCipher& cipher_;
};

class PgNotificationStore final : public NotificationStore {
 public:
  explicit PgNotificationStore(Pool& pool) : pool_(pool) {}
  [[nodiscard]] Result<std::vector<Notification>> list(const NotificationFilter& filter) override;
  [[nodiscard]] Result<std::optional<Notification>> get(const std::string& id) override;
  [[nodiscard]] Result<Notification> mark_read(const std::string& id, TimePoint now) override;
  [[nodiscard]] Result<DeliveryReport> deliver_pending(TimePoint now, const std::vector<NotificationChannel*>& channels,
                                                       int limit) override;

 private:
  Pool& pool_;
};

}  // namespace heat::db
