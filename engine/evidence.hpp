// Evidence items, their hash-chained chain of custody, disclosures to the defense, and the
// redaction check that runs before anything leaves the office (issue 8; PC 1054.1, 1054.2,
// 1054.7). Records, pure rules, and the interfaces db/ implements (db/evidence_store.hpp).
// Thread-safe: the free functions are pure.
//
// Chain of custody — the hash recipe (also in README.md, "Evidence chain of custody"):
//
//   canonical = prev_hash "\n" item_id "\n" seq "\n" at_text "\n" from "\n" to "\n"
//               purpose "\n" location "\n" recorded_by
//   hash      = lowercase hex SHA-256 of the canonical text's UTF-8 bytes
//
// seq is the decimal event number (1, 2, ...), at_text the stored RFC 3339 UTC time with
// microseconds ("2026-11-02T17:30:00.000000Z"), no trailing newline. Event 1 is the
// collection itself: from "" to collected_by, purpose "collected", at the collection time,
// and its prev_hash is 64 zeros; every later event's prev_hash is its predecessor's hash.
#pragma once

#include "engine/access_policy.hpp"
#include "engine/cases.hpp"
#include "engine/clock.hpp"
#include "engine/identity.hpp"
#include "engine/result.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat {

// ---------------------------------------------------------------------------------------
// Values

// "physical", "digital", "document", "online_ad", "financial_record", "device_extraction",
// "other" — the spelling of API.md, the SQL CHECK and the JSON.
[[nodiscard]] bool is_evidence_kind(std::string_view kind) noexcept;

inline constexpr const char* kCustodyGenesisHash = kAuditGenesisHash;
inline constexpr const char* kCollectedPurpose = "collected";

// ---------------------------------------------------------------------------------------
// Records

struct EvidenceItem {
  std::string id;
  std::string case_id;
  std::string label;
  std::string kind;
  std::string description;
  std::string source;
  std::string collected_by;
  TimePoint collected_at{};
  std::string location;
  std::string storage_location;
  std::string sha256;                // of the content (digital items); may be empty
  std::string status = "in_custody";  // workflows/evidence_item.hpp's ItemStatus spelling
  int version = 1;
  TimePoint created_at{};
  RecordContext access;  // the case's context
};

struct NewEvidenceItem {
  std::string case_id;
  std::string label;
  std::string kind;
  std::string description;
  std::string source;
  std::string collected_by;
  TimePoint collected_at{};
  std::string location;
  std::string storage_location;
  std::string sha256;
  std::string recorded_by;  // username of the creator (event 1's recorded_by)
};

// Metadata corrections (a redaction before discovery): absent members are left as they are.
struct EvidencePatch {
  std::optional<std::string> label;
  std::optional<std::string> description;
  std::optional<std::string> source;
  std::optional<std::string> location;
  std::optional<std::string> storage_location;
};

struct CustodyEvent {
  std::string id;
  std::string item_id;
  std::int64_t seq = 0;
  std::string from;
  std::string to;
  std::string purpose;
  std::string at_text;  // format_utc_micros of the transfer time; hashed as is
  std::string location;
  std::string recorded_by;
  std::string prev_hash;
  std::string hash;
};

struct NewCustodyEvent {
  std::string to;
  std::string purpose;
  TimePoint at{};
  std::string location;
  std::string recorded_by;  // username
};

// The canonical text of one event (see the recipe at the top of this file).
[[nodiscard]] std::string custody_canonical_text(std::string_view prev_hash, std::string_view item_id,
                                                 std::int64_t seq, std::string_view at_text, std::string_view from,
                                                 std::string_view to, std::string_view purpose,
                                                 std::string_view location, std::string_view recorded_by);
[[nodiscard]] std::string custody_canonical_text(const CustodyEvent& e);

// Lowercase hex SHA-256 of bytes; db/ and api/ pass theirs (engine/ links no crypto).
using Sha256Hex = std::function<std::string(std::string_view)>;

// The head the item row records: the last event's seq and hash (nullopt: not checked).
struct CustodyHead {
  std::int64_t seq = 0;
  std::string hash;
};

struct ChainVerification {
  bool valid = true;
  std::optional<std::string> broken_at;  // id of the first event whose link fails
  std::int64_t checked = 0;
};

// Checks a chain as stored, ordered by seq. An event's link fails when its seq is not its
// position (1, 2, ...), its prev_hash is not the previous event's hash (64 zeros for the
// first), or its hash is not the SHA-256 of its canonical text. When `head` is given and the
// chain itself holds, the last event must be the head (else the last event is reported:
// events after it are missing). An empty chain with a head of seq 0 is valid.
[[nodiscard]] ChainVerification verify_custody_chain(const std::vector<CustodyEvent>& events,
                                                     const Sha256Hex& sha256,
                                                     const std::optional<CustodyHead>& head = std::nullopt);

// The status a custody purpose moves an item to ("lab_analysis" -> at_lab, "court" ->
// in_court, "return" / "storage" -> in_custody, "release" -> released, "destruction" ->
// destroyed); nullopt for any other purpose (the status stays).
[[nodiscard]] std::optional<std::string> status_for_purpose(std::string_view purpose);

// ---------------------------------------------------------------------------------------
// Disclosures

struct Disclosure {
  std::string id;
  std::string case_id;
  std::string prosecution_id;  // may be empty
  std::string to_counsel;
  TimePoint at{};
  std::string method;
  std::string bates;
  std::vector<std::string> item_ids;
  std::string override_reason;  // empty: none
  std::string created_by;
  TimePoint created_at{};
  // Filled by record_disclosure: PC 1054.7 deadlines this disclosure met (ids).
  std::vector<std::string> deadlines_met;
};

struct NewDisclosure {
  std::string case_id;
  std::string prosecution_id;  // "" when not named: the case's only prosecution, if it has one
  std::string to_counsel;
  TimePoint at{};
  std::string method;
  std::string bates;
  std::vector<std::string> item_ids;
  std::string override_reason;
  std::vector<std::string> overridden_fields;  // identity fields the override let through (audited)
  std::string created_by;                      // user id
};

struct DisclosureFilter {
  std::string case_id;
  std::string prosecution_id;  // "" = every prosecution
  std::string after_id;        // cursor: disclosures ordered by (at, id)
  std::optional<TimePoint> after_at;
  int limit = 50;
};

// ---------------------------------------------------------------------------------------
// The redaction check (PC 1054.2, Marsy's Law)

// One identity value of a victim linked to the case. field: "legal_name", "address",
// "phone" or "dob" (YYYY-MM-DD).
struct VictimIdentityValue {
  std::string field;
  std::string value;
};

// The metadata of one item as it would leave the office.
struct ItemText {
  std::string item_id;
  std::string field;  // "label", "description", "source", "location", "storage_location"
  std::string text;
};

struct RedactionFinding {
  std::string item_id;
  std::string item_field;
  std::string identity_field;  // never the value itself: findings are logged and audited
  friend bool operator==(const RedactionFinding&, const RedactionFinding&) = default;
};

// The metadata fields of an item that the check reads.
[[nodiscard]] std::vector<ItemText> item_texts(const EvidenceItem& item);

// Where an identity value appears in the texts. Names and addresses match case-insensitively
// with runs of whitespace and punctuation folded (values shorter than 3 letters or digits
// are ignored); phone numbers match on their digits (at least 7); a date of birth matches as
// YYYY-MM-DD, M/D/YYYY or MM/DD/YYYY. One finding per (item, field, identity field).
[[nodiscard]] std::vector<RedactionFinding> redaction_findings(const std::vector<ItemText>& texts,
                                                               const std::vector<VictimIdentityValue>& identities);

// Identity values of the victims linked to a case's prosecutions. db/ implements it
// (db/evidence_store.hpp); it returns nothing while the victims tables do not exist.
class VictimIdentitySource {
 public:
  virtual ~VictimIdentitySource() = default;
  [[nodiscard]] virtual Result<std::vector<VictimIdentityValue>> identities_for_case(const std::string& case_id) = 0;
};

// ---------------------------------------------------------------------------------------
// Storage

// Decides the item's next status for a custody transfer (workflows/ builds it around
// evidence::change_status), called under the item's row lock with its current status. Its
// error (conflict with allowed_events) is returned as-is and nothing is written.
using EvidenceStatusDecider = std::function<Result<std::string>(const std::string& current)>;

struct CustodyAppended {
  EvidenceItem item;  // after the transfer
  CustodyEvent event;
};

class EvidenceStore {
 public:
  virtual ~EvidenceStore() = default;

  // Writes take an Idempotent (engine/cases.hpp; nullptr: none): the key is claimed first
  // and the rendered response stored in the same transaction.
  //
  // Creates the item and its event 1 ("collected"). not_found when the case does not exist;
  // `authorize` gets the case's context under its row lock.
  [[nodiscard]] virtual Result<EvidenceItem> create_item(const NewEvidenceItem& item, const Authorizer& authorize,
                                                         const AuditEntry& audit,
                                                         const Idempotent<EvidenceItem>* idem) = 0;
  [[nodiscard]] virtual Result<std::optional<EvidenceItem>> get_item(const std::string& id) = 0;
  // The case's items, oldest first.
  [[nodiscard]] virtual Result<std::vector<EvidenceItem>> items_of_case(const std::string& case_id) = 0;
  // precondition_failed when expected_version differs (under the row lock).
  [[nodiscard]] virtual Result<EvidenceItem> patch_item(const std::string& id, std::optional<int> expected_version,
                                                        const EvidencePatch& patch, const Authorizer& authorize,
                                                        const AuditEntry& audit) = 0;

  // One transaction: lock the item (SELECT ... FOR UPDATE), authorize, decide the status,
  // append the event after the head (seq + 1, prev_hash = head), move the head, audit.
  [[nodiscard]] virtual Result<CustodyAppended> append_custody(const std::string& item_id,
                                                              const NewCustodyEvent& event,
                                                              const EvidenceStatusDecider& decide,
                                                              const Authorizer& authorize,
                                                              const AuditEntry& audit,
                                                              const Idempotent<CustodyAppended>* idem) = 0;
  // The chain, oldest first (by seq).
  [[nodiscard]] virtual Result<std::vector<CustodyEvent>> custody(const std::string& item_id) = 0;
  [[nodiscard]] virtual Result<ChainVerification> verify(const std::string& item_id) = 0;
  // Every item's chain, in item creation order; (item id, verification).
  [[nodiscard]] virtual Result<std::vector<std::pair<std::string, ChainVerification>>> verify_all() = 0;

  // Records a disclosure and, in the same transaction, marks the prosecution's open PC 1054.7
  // deadline met (met_on_time: the disclosure's court-local date <= the due date). not_found
  // (case, item); invalid_argument (prosecution_id) when the prosecution is not the case's.
  [[nodiscard]] virtual Result<Disclosure> record_disclosure(const NewDisclosure& d, const Authorizer& authorize,
                                                             const AuditEntry& audit,
                                                             const Idempotent<Disclosure>* idem) = 0;
  // One page (limit + 1 rows are read to know whether more follow).
  [[nodiscard]] virtual Result<std::vector<Disclosure>> disclosures(const DisclosureFilter& filter) = 0;
};

}  // namespace heat
