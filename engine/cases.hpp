// Cases, defendants and prosecutions as stored records, and the CaseStore interface that db/
// implements (db/case_store.hpp). Every write runs in one transaction that also appends its
// audit entry and, when the request carried an Idempotency-Key, stores the response.
//
// The lifecycle rules are not here: apply_event() takes an EventDecider (workflows/ builds
// one around lifecycle::apply), which the store calls under the prosecution's row lock.
// Also here: the pure value helpers the API and the store share (dates, RFC 3339, UUID
// syntax, docket normalization, charge JSON). Thread-safe: free functions are pure.
#pragma once

#include "engine/access_policy.hpp"
#include "engine/clock.hpp"
#include "engine/identity.hpp"
#include "engine/idempotency.hpp"
#include "engine/prosecution.hpp"
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

// "YYYY-MM-DD", a real calendar date. invalid_argument on `field` otherwise.
[[nodiscard]] Result<std::chrono::sys_days> parse_date(std::string_view text, const std::string& field);
[[nodiscard]] std::string format_date(std::chrono::sys_days d);
// RFC 3339 with a required offset ("2026-03-02T09:30:00-08:00", "...Z", fractions allowed).
[[nodiscard]] Result<TimePoint> parse_rfc3339(std::string_view text, const std::string& field);
// Canonical 8-4-4-4-12 hex UUID text (either case).
[[nodiscard]] bool is_uuid(std::string_view text);
// Uppercased, every character but ASCII letters and digits dropped: "26-cr-012345" -> "26CR012345".
[[nodiscard]] std::string normalize_docket(std::string_view docket);

// ---------------------------------------------------------------------------------------
// Records

struct Person {
  std::string id;
  std::string name;
  std::optional<std::chrono::sys_days> dob;
  std::vector<std::string> aliases;
};

struct Case {
  std::string id;
  std::string da_number;  // "HT-2026-000123"; unique
  std::string title;
  std::string unit;
  std::string referring_agency;
  std::chrono::sys_days referral_date{};
  std::string lead_dda_id;                    // may be empty
  std::vector<std::string> dockets;           // as entered
  std::vector<std::string> assigned_dda_ids;  // besides the lead
  int version = 1;
  TimePoint created_at{};
  // Filled by list_cases: the case's defendants (prosecution id, name, stage).
  struct Defendant {
    std::string prosecution_id;
    std::string person_id;
    std::string name;
    Stage stage = Stage::referred;
  };
  std::vector<Defendant> defendants;

  // What the access policy needs to know about this case (and its prosecutions and charges).
  [[nodiscard]] RecordContext context() const;
};

struct NewCase {
  std::string da_number;
  std::string title;
  std::string unit;
  std::string referring_agency;
  std::chrono::sys_days referral_date{};
  std::string lead_dda_id;
  std::vector<std::string> dockets;
};

// PATCH /cases/{id}: absent members are left as they are.
struct CasePatch {
  std::optional<std::string> title;
  std::optional<std::string> referring_agency;
  std::optional<std::chrono::sys_days> referral_date;
  std::optional<std::string> lead_dda_id;
  std::optional<std::vector<std::string>> dockets;
  std::optional<std::vector<std::string>> assigned_dda_ids;
};

struct CaseFilter {
  // Scope (ListScope::unit): cases of this unit, and any case this user leads or is assigned to.
  std::string scope_unit;
  std::string scope_user_id;
  std::string assigned_to;          // user id: cases it leads or is assigned to ("" = any)
  std::optional<Stage> stage;       // cases with a prosecution in this stage
  std::string q;                    // DA number, docket (normalized) or defendant name / alias
  std::string after_da_number;      // cursor: cases ordered by DA number
  int limit = 50;
};

struct ProsecutionRecord {
  std::string id;
  std::string case_id;
  Person person;
  ProsecutionSnapshot snapshot;
  int version = 1;
  RecordContext access;  // the case's context (unit, lead, assigned DDAs)
};

struct NewProsecution {
  std::string case_id;
  std::optional<std::string> person_id;  // an existing person, or
  Person person;                         // a new one (id ignored)
};

struct NewCharge {
  std::string statute;
  std::optional<int> count;  // defaults to the next count number
  std::vector<std::string> enhancements;
  std::chrono::sys_days filed_on{};
  std::optional<std::chrono::sys_days> offense_date;
};

struct ChargePatch {
  std::optional<Disposition> disposition;
  std::optional<std::optional<std::chrono::sys_days>> disposition_date;  // value nullopt clears
  std::optional<std::optional<std::string>> sentence;                    // JSON text; nullopt clears
};

// One row of a prosecution's transition log.
struct HistoryEntry {
  int seq = 0;
  std::string event;  // a lifecycle event name, or "add_charge" / "update_charge"
  TimePoint occurred_at{};
  TimePoint recorded_at{};
  std::string actor_id;
  std::string actor_username;
  Stage from_stage = Stage::referred;
  Stage to_stage = Stage::referred;
  std::string fields = "{}";  // JSON object text
  std::optional<TimePoint> originally_occurred_at;  // set when the time was corrected
  std::string correction_reason;                    // the latest correction's reason
};

// A lifecycle event's time entered wrong, corrected (the log row stays; the correction is
// recorded beside it with its reason, and the deadlines hanging on the event recomputed).
struct EventTimeCorrection {
  int seq = 0;
  std::string event;
  TimePoint previous_occurred_at{};
  TimePoint occurred_at{};
  std::string reason;
  std::vector<std::string> recomputed_deadline_ids;
  int version = 0;  // the prosecution's version after the correction
};

inline constexpr const char* kAddChargeEvent = "add_charge";
inline constexpr const char* kUpdateChargeEvent = "update_charge";

// What an accepted lifecycle event does, as the store writes it.
struct EventOutcome {
  std::string event;
  TimePoint occurred_at{};
  Stage from = Stage::referred;
  Stage to = Stage::referred;
  ProsecutionSnapshot after;
  std::string fields = "{}";  // the event's fields as logged (JSON object text)
};

// Decides one event against the prosecution's current state (called under the row lock).
// Its error (conflict with allowed_events, invalid_argument, domain_rule) is returned as-is
// and nothing is written.
using EventDecider = std::function<Result<EventOutcome>(const ProsecutionSnapshot&)>;

// Called inside a write's transaction, after the record is locked and before anything is
// checked or written: may the caller act on a record with this context? An error aborts.
using Authorizer = std::function<Status(const RecordContext&)>;

struct ReassignRequest {
  std::string from_dda_id;
  std::string to_dda_id;
  std::vector<std::string> case_ids;  // empty: every case the from-DDA leads (within the authorizer's reach)
};

struct ReassignResult {
  std::vector<std::string> case_ids;  // moved, in DA-number order
};

// ---------------------------------------------------------------------------------------
// Storage

class CaseStore {
 public:
  virtual ~CaseStore() = default;

  // already_exists when the DA number is taken; invalid_argument (lead_dda_id) when the lead is
  // not an active DDA or supervisor.
  [[nodiscard]] virtual Result<Case> create_case(const NewCase& c, const AuditEntry& audit,
                                                 const Idempotent<Case>* idem) = 0;
  [[nodiscard]] virtual Result<std::optional<Case>> get_case(const std::string& id) = 0;
  // One page (limit + 1 rows are read to know whether more follow; at most limit returned).
  [[nodiscard]] virtual Result<std::vector<Case>> list_cases(const CaseFilter& filter) = 0;
  // precondition_failed when expected_version is given and differs (checked under the row lock).
  [[nodiscard]] virtual Result<Case> patch_case(const std::string& id, std::optional<int> expected_version,
                                                const CasePatch& patch, const Authorizer& authorize,
                                                const AuditEntry& audit) = 0;
  // Moves the lead of the named cases (or every case led by from_dda_id) in one transaction.
  // Each case is authorized; the first refusal aborts the whole move.
  [[nodiscard]] virtual Result<ReassignResult> reassign(const ReassignRequest& r, const Authorizer& authorize,
                                                        const AuditEntry& audit,
                                                        const Idempotent<ReassignResult>* idem) = 0;

  // not_found when the case or the person_id does not exist.
  [[nodiscard]] virtual Result<ProsecutionRecord> create_prosecution(const NewProsecution& p,
                                                                     const Authorizer& authorize,
                                                                     const AuditEntry& audit,
                                                                     const Idempotent<ProsecutionRecord>* idem) = 0;
  [[nodiscard]] virtual Result<std::optional<ProsecutionRecord>> get_prosecution(const std::string& id) = 0;
  // The prosecution a charge belongs to (nullopt when no such charge).
  [[nodiscard]] virtual Result<std::optional<std::string>> prosecution_of_charge(const std::string& charge_id) = 0;

  // Files a count (logged as add_charge, version + 1); returns the prosecution after it and
  // the new charge's id in `new_charge_id`.
  [[nodiscard]] virtual Result<ProsecutionRecord> add_charge(const std::string& prosecution_id,
                                                             const NewCharge& charge, TimePoint occurred_at,
                                                             const Authorizer& authorize, const AuditEntry& audit,
                                                             std::string& new_charge_id,
                                                             const Idempotent<ProsecutionRecord>* idem) = 0;
  // Corrects a count (logged as update_charge, version + 1).
  [[nodiscard]] virtual Result<ProsecutionRecord> patch_charge(const std::string& charge_id,
                                                               std::optional<int> expected_version,
                                                               const ChargePatch& patch, TimePoint occurred_at,
                                                               const Authorizer& authorize,
                                                               const AuditEntry& audit) = 0;

  // One transaction: lock the prosecution, authorize, compare expected_version (412), load
  // its counts, decide, append the log row, update the projection and changed counts,
  // version + 1, audit, store the idempotent response.
  [[nodiscard]] virtual Result<ProsecutionRecord> apply_event(const std::string& prosecution_id,
                                                              std::optional<int> expected_version,
                                                              const EventDecider& decide,
                                                              const Authorizer& authorize, const AuditEntry& audit,
                                                              const Idempotent<ProsecutionRecord>* idem) = 0;
  // Corrects the time of the lifecycle event logged as `seq` (version + 1): invalid_argument
  // for a blank reason, not_found for no such event, domain_rule when the corrected time would
  // put the event before the one logged before it or after the one logged after it.
  [[nodiscard]] virtual Result<EventTimeCorrection> correct_event_time(const std::string& prosecution_id, int seq,
                                                                       TimePoint occurred_at,
                                                                       const std::string& reason,
                                                                       std::optional<int> expected_version,
                                                                       const Authorizer& authorize,
                                                                       const AuditEntry& audit) = 0;
  // The log, oldest first, each entry at its effective (latest corrected) time.
  [[nodiscard]] virtual Result<std::vector<HistoryEntry>> history(const std::string& prosecution_id) = 0;

  // A stored response for (user_id, key), if any.
  [[nodiscard]] virtual Result<std::optional<IdempotencyRecord>> find_idempotent(const std::string& user_id,
                                                                                  const std::string& key) = 0;
};

// ---------------------------------------------------------------------------------------
// Charge JSON, as logged (add_charge / update_charge fields) and as the API shows it (the API
// adds the derived facts). Dates as YYYY-MM-DD or null; sentence as parsed JSON or null.
[[nodiscard]] std::string charge_to_json_text(const Charge& c);
// invalid_argument when the text is not a charge object of this shape.
[[nodiscard]] Result<Charge> charge_from_json_text(std::string_view text);

}  // namespace heat
