// Court events (hearings) and court calendar feeds (issue 7): the stored records, the
// CourtEventStore interface db/ implements, and the pure rules an import follows —
// a hearing's identity (source_key), the reconciliation of a feed's records with the
// hearings already stored (reconcile()), and the deadlines a hearing triggers
// (hearing_deadlines()). Pure: no I/O, no clock (time is passed in). Thread-safe: free
// functions only read their arguments and constant tables.
//
// The parsers (adapters/ical_parser.hpp, adapters/csv_parser.hpp) produce the adapters'
// HearingRecord; adapters/feed_import.hpp turns those into IncomingHearing and calls
// CourtEventStore::import, the one import path of the upload route, `heatwatch import`
// and feed polling.
#pragma once

#include "engine/access_policy.hpp"
#include "engine/cases.hpp"
#include "engine/clock.hpp"
#include "engine/court_calendar.hpp"
#include "engine/deadline_planner.hpp"
#include "engine/identity.hpp"
#include "engine/result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heat {

// ---------------------------------------------------------------------------------------
// Enums (one string mapping each, used by JSON, SQL and logs alike)

// API.md "court-events": kind.
enum class CourtEventKind : unsigned char {
  arraignment,
  preliminary_hearing,
  readiness,
  trial,
  sentencing,
  restitution,
  motion,
  other
};
enum class CourtEventStatus : unsigned char { scheduled, continued, cancelled, held };
enum class CourtEventChangeKind : unsigned char { created, continued, cancelled, updated };
enum class FeedKind : unsigned char { ical, csv };
// snapshot: the import is the court's whole calendar; a future hearing of the feed that is
// missing from it is cancelled. incremental: the import only adds and changes hearings.
enum class ImportMode : unsigned char { snapshot, incremental };
// Where an import came from (feed_imports.origin).
enum class ImportOrigin : unsigned char { upload, cli, poll, match };

[[nodiscard]] const char* to_string(CourtEventKind k);
[[nodiscard]] const char* to_string(CourtEventStatus s);
[[nodiscard]] const char* to_string(CourtEventChangeKind c);
[[nodiscard]] const char* to_string(FeedKind k);
[[nodiscard]] const char* to_string(ImportMode m);
[[nodiscard]] const char* to_string(ImportOrigin o);
// Exact spellings; invalid_argument on `field` otherwise.
[[nodiscard]] Result<CourtEventKind> parse_court_event_kind(std::string_view s, const std::string& field = "kind");
[[nodiscard]] Result<CourtEventStatus> parse_court_event_status(std::string_view s,
                                                                const std::string& field = "status");
[[nodiscard]] Result<CourtEventChangeKind> parse_court_event_change(std::string_view s);
[[nodiscard]] Result<FeedKind> parse_feed_kind(std::string_view s, const std::string& field = "kind");
[[nodiscard]] Result<ImportMode> parse_import_mode(std::string_view s, const std::string& field = "mode");
[[nodiscard]] Result<ImportOrigin> parse_import_origin(std::string_view s);

// ---------------------------------------------------------------------------------------
// Records

// One row of a hearing's history (court_event_changes), oldest first.
struct CourtEventChange {
  int sequence = 0;  // the hearing's sequence after this change
  CourtEventChangeKind change = CourtEventChangeKind::created;
  std::optional<TimePoint> old_starts_at;
  std::optional<TimePoint> new_starts_at;
  std::string reason;
  TimePoint at{};
  std::string by;  // user id; empty for imports without a user (CLI, polling)
  friend bool operator==(const CourtEventChange&, const CourtEventChange&) = default;
};

struct CourtEvent {
  std::string id;
  std::string case_id;
  std::string prosecution_id;  // empty: every prosecution of the case
  CourtEventKind kind = CourtEventKind::other;
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;
  bool all_day = false;
  std::string department;
  std::string judge;
  CourtEventStatus status = CourtEventStatus::scheduled;
  std::string result;
  std::string cancel_reason;
  std::string source = "manual";  // "manual" | "feed"
  std::string feed_id;            // empty for manual events
  std::string source_key;
  int source_sequence = 0;  // the feed's SEQUENCE
  std::string docket;       // as the feed wrote it
  int sequence = 0;         // bumped on every change (the export's SEQUENCE)
  TimePoint original_starts_at{};
  std::optional<TimePoint> cancelled_at;
  TimePoint created_at{};
  TimePoint updated_at{};
  int version = 1;
  std::vector<CourtEventChange> history;
  RecordContext access;  // the case's: unit, lead, assigned DDAs, linked victims' advocates
};

// A hearing as a feed states it: the adapters' HearingRecord, reduced to what the engine keeps.
struct IncomingHearing {
  std::string source_uid;  // the court's hearing id, else the iCalendar UID; may be empty
  std::string uid;         // the iCalendar UID (empty for CSV)
  std::optional<TimePoint> recurrence_id;  // an instance's original start (iCalendar)
  int sequence = 0;                        // iCalendar SEQUENCE
  std::string docket;                      // as written
  std::string normalized_docket;           // normalize_docket(docket)
  CourtEventKind kind = CourtEventKind::other;
  std::string kind_text;  // the court's wording
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;
  bool all_day = false;
  std::string department;
  std::string judge;
  bool cancelled = false;
  bool held = false;  // the court reports it took place ("Held", "Heard", "Completed")
  std::string cancel_reason;
  std::string note;  // the court's status wording beyond "scheduled" ("Continued")
  std::optional<std::size_t> line;  // CSV line
  // An instance of a series the court moved from its original start (a continuance).
  [[nodiscard]] bool moved() const { return recurrence_id && *recurrence_id != starts_at; }
  friend bool operator==(const IncomingHearing&, const IncomingHearing&) = default;
};

// The hearing's identity within its feed:
//   with a hearing id or UID:  "id:" + source_uid, plus "@" + the UTC RECURRENCE-ID
//                              ("id:HRG-1@2026-03-02T17:30:00Z") for an instance of a series;
//   without:                   "dk:" + normalized docket + "|" + kind + "|" + the original
//                              start in UTC (the RECURRENCE-ID if any, else the start).
[[nodiscard]] std::string source_key(const IncomingHearing& h);
// True for keys of the second form (no identity of the court's: a moved hearing arrives
// under a new key and is paired with the one that disappeared, see reconcile()).
[[nodiscard]] bool is_natural_key(std::string_view key);

// JSON of an IncomingHearing (feed_unmatched.record), and back. invalid_argument when the
// text is not such an object.
[[nodiscard]] std::string to_json_text(const IncomingHearing& h);
[[nodiscard]] Result<IncomingHearing> incoming_hearing_from_json(std::string_view text);

struct ImportRejection {
  std::optional<std::size_t> line;
  std::optional<std::string> uid;
  std::string reason;
  friend bool operator==(const ImportRejection&, const ImportRejection&) = default;
};

// API.md: the report of POST /api/v1/feeds/{id}/import. updated counts continuances and
// every other change; unmatched the records whose docket matches no case (waiting in the queue).
struct ImportReport {
  int created = 0;
  int updated = 0;
  int cancelled = 0;
  int unchanged = 0;
  int unmatched = 0;
  std::vector<ImportRejection> rejected;
  // Beyond API.md's fields:
  std::string import_id;  // feed_imports.id
  ImportMode mode = ImportMode::snapshot;
  int records = 0;        // records the file gave
  std::vector<std::string> warnings;
};

// {"created","updated","cancelled","unchanged","unmatched","rejected":[{"line"?,"uid"?,"reason"}],
// "import_id","mode","records","warnings"} — the API's body and feed_imports.report.
[[nodiscard]] std::string to_json_text(const ImportReport& r);

// Text from a feed made safe to store: invalid UTF-8 sequences become U+FFFD, NUL and other
// C0 controls but tab and newline are dropped, and the result is cut (on a character
// boundary) to at most max_bytes.
[[nodiscard]] std::string clean_text(std::string_view text, std::size_t max_bytes = 1000);

struct Feed {
  std::string id;
  std::string name;
  FeedKind kind = FeedKind::ical;
  std::string unit;
  std::string url;           // empty: no URL
  std::string mapping_json = "{}";  // JSON object text: field -> column / property
  ImportMode mode = ImportMode::snapshot;
  std::string created_by;
  TimePoint created_at{};
  TimePoint updated_at{};
  int version = 1;
  // The access policy's "court feed: its unit".
  [[nodiscard]] RecordContext context() const {
    RecordContext c;
    c.unit = unit;
    return c;
  }
};

struct NewFeed {
  std::string name;
  FeedKind kind = FeedKind::ical;
  std::string unit;
  std::string url;
  std::string mapping_json = "{}";
  ImportMode mode = ImportMode::snapshot;
};

struct FeedFilter {
  std::string unit;        // "" = every unit (admins)
  std::string after_name;  // cursor: feeds ordered by name
  int limit = 50;
};

// One import: the records a parser gave (already converted), its per-record rejections, and
// where the file came from.
struct FeedImport {
  std::string feed_id;
  std::vector<IncomingHearing> records;
  std::vector<ImportRejection> rejected;
  ImportMode mode = ImportMode::snapshot;
  ImportOrigin origin = ImportOrigin::upload;
  std::string content_sha256;
  std::size_t bytes = 0;
  std::vector<std::string> warnings;
};

// A record waiting in a feed's unmatched queue.
struct UnmatchedRecord {
  std::string id;
  std::string feed_id;
  std::string source_key;
  std::string docket;
  std::string normalized_docket;
  IncomingHearing record;
  TimePoint first_seen{};
  TimePoint last_seen{};
  std::optional<TimePoint> resolved_at;
  std::string resolved_case_id;
};

struct CourtEventFilter {
  // Scope (list_scope of court_event_list): unit — cases of scope_unit and those scope_user_id
  // leads or is assigned to; advocate_victims — cases holding a prosecution linked to a victim
  // whose advocate is advocate_id.
  ListScope scope = ListScope::none;
  std::string scope_unit;
  std::string scope_user_id;
  std::string case_id;  // "" = any
  std::optional<CourtEventStatus> status;
  std::optional<TimePoint> from;  // starts_at >= from
  std::optional<TimePoint> to;    // starts_at < to
  // Cursor: the (starts_at, id) of the last item of the previous page.
  std::optional<TimePoint> after_starts_at;
  std::string after_id;
  int limit = 50;  // the store returns at most limit rows
};

// POST /api/v1/court-events.
struct NewCourtEvent {
  std::string case_id;
  std::string prosecution_id;  // optional
  CourtEventKind kind = CourtEventKind::other;
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;
  std::string department;
  std::string judge;
};

// ---------------------------------------------------------------------------------------
// Storage

class CourtEventStore {
 public:
  virtual ~CourtEventStore() = default;

  // Hearings visible under the filter's scope, ordered by (starts_at, id), each with its
  // history. At most filter.limit rows.
  [[nodiscard]] virtual Result<std::vector<CourtEvent>> list(const CourtEventFilter& filter) = 0;
  [[nodiscard]] virtual Result<std::optional<CourtEvent>> get(const std::string& id) = 0;
  // The access context of a case (for authorizing a create before anything is written);
  // nullopt when there is no such case.
  [[nodiscard]] virtual Result<std::optional<RecordContext>> case_context(const std::string& case_id) = 0;

  // A hearing entered by hand, through the same path as an imported one (history, deadlines,
  // notifications, audit, in one transaction). `authorize` is called with the case's context
  // under its row lock. invalid_argument (prosecution_id) when the prosecution is not of the case.
  // idem: store the response under an Idempotency-Key in the same transaction (may be null).
  [[nodiscard]] virtual Result<CourtEvent> create_manual(const NewCourtEvent& e, const Authorizer& authorize,
                                                         const AuditEntry& audit,
                                                         const Idempotent<CourtEvent>* idem) = 0;

  // already_exists when the name is taken.
  [[nodiscard]] virtual Result<Feed> create_feed(const NewFeed& f, const AuditEntry& audit,
                                                 const Idempotent<Feed>* idem) = 0;
  [[nodiscard]] virtual Result<std::optional<Feed>> get_feed(const std::string& id) = 0;
  [[nodiscard]] virtual Result<std::optional<Feed>> find_feed(const std::string& name) = 0;
  [[nodiscard]] virtual Result<std::vector<Feed>> list_feeds(const FeedFilter& filter) = 0;

  // One import in one transaction (a failure anywhere changes nothing): records matched to
  // stored hearings by source_key (reconcile()), new ones matched to cases by normalized
  // docket (case_dockets, then the feed's remembered hand matches) or queued as unmatched;
  // hearings created, updated, continued, cancelled with their history; hearing deadlines
  // recomputed; one notification per change to the advocates of the victims linked to the
  // case's prosecutions and to the case's DDAs; a feed_imports row; one audit entry.
  // not_found when the feed does not exist.
  [[nodiscard]] virtual Result<ImportReport> import(const FeedImport& batch, const AuditEntry& audit) = 0;

  // The feed's records waiting for a match (resolved ones are not listed), by first_seen.
  [[nodiscard]] virtual Result<std::vector<UnmatchedRecord>> unmatched(const std::string& feed_id, int limit,
                                                                       const std::string& after_id) = 0;
  // Matches a waiting record to a case by hand: remembers its docket for the feed, and
  // imports it — and every other waiting record of the feed with the same docket — onto the
  // case, in one transaction. `authorize` gets the case's context. not_found for an unknown
  // or resolved record, or an unknown case.
  [[nodiscard]] virtual Result<ImportReport> match(const std::string& feed_id, const std::string& unmatched_id,
                                                   const std::string& case_id, const Authorizer& authorize,
                                                   const AuditEntry& audit) = 0;

  // Queues a hearing_reminder `days` calendar days (for each entry of days_ahead) before each
  // scheduled or continued hearing to the linked victims' advocates and the case's DDAs.
  // Safe to run from several processes at once: each reminder is queued once (dedupe keys).
  // Returns the number queued.
  [[nodiscard]] virtual Result<int> sweep_reminders(TimePoint now, const std::vector<int>& days_ahead) = 0;
};

// ---------------------------------------------------------------------------------------
// Reconciliation (pure)

// What reconcile() needs to know of a stored hearing of the feed.
struct StoredHearing {
  std::string id;
  std::string case_id;
  std::string source_key;
  int source_sequence = 0;
  CourtEventKind kind = CourtEventKind::other;
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;
  bool all_day = false;
  std::string department;
  std::string judge;
  std::string docket;
  CourtEventStatus status = CourtEventStatus::scheduled;
  std::string cancel_reason;
};

enum class PlanAction : unsigned char {
  create,     // a new hearing (created)
  update,     // a field other than the start changed (updated)
  continue_,  // the start moved (updated; history "continued")
  cancel,     // cancelled by the feed, or gone from a snapshot (cancelled)
  reinstate,  // a cancelled hearing set again (updated)
};
[[nodiscard]] const char* to_string(PlanAction a);

// The state a planned change leaves the hearing in.
struct HearingState {
  CourtEventKind kind = CourtEventKind::other;
  TimePoint starts_at{};
  std::optional<TimePoint> ends_at;
  bool all_day = false;
  std::string department;
  std::string judge;
  std::string docket;
  CourtEventStatus status = CourtEventStatus::scheduled;
  std::string cancel_reason;
  int source_sequence = 0;
  std::string source_key;
  TimePoint original_starts_at{};  // create only
  friend bool operator==(const HearingState&, const HearingState&) = default;
};

struct PlannedChange {
  PlanAction action = PlanAction::create;
  std::optional<std::size_t> incoming;  // index into the input's records (none: gone from a snapshot)
  std::string event_id;                 // the stored hearing (empty for create)
  std::string case_id;
  HearingState after;
  std::optional<TimePoint> old_starts_at;  // continue_ (and a reinstatement that moved)
  CourtEventChangeKind change = CourtEventChangeKind::created;  // the history row
  std::string reason;
  std::vector<std::string> changed_fields;  // update: which fields ("department", "judge", ...)
  // The hearing's date, kind or status moved: its deadlines are recomputed.
  [[nodiscard]] bool moves_deadlines() const;
};

struct ReconcileInput {
  // The feed's stored hearings: all of them for a snapshot; for an incremental import at
  // least those whose source_key an incoming record has (more are harmless).
  std::vector<StoredHearing> existing;
  std::vector<IncomingHearing> incoming;
  // Per incoming record: the case its docket matches ("" none). Only used for records that
  // match no stored hearing. Empty vector: none matches.
  std::vector<std::string> case_ids;
  ImportMode mode = ImportMode::snapshot;
  // Snapshot: only hearings starting at or after `now` are cancelled when missing (courts
  // publish upcoming hearings; yesterday's leave the file without being cancelled).
  TimePoint now{};
};

struct ReconcilePlan {
  std::vector<PlannedChange> changes;
  int unchanged = 0;
  std::vector<std::size_t> unmatched;  // incoming indices with no stored hearing and no case
  std::vector<ImportRejection> rejected;
  // Snapshot protection: a snapshot with no records at all cancels nothing (a broken export
  // must not erase a calendar); the import reports it here.
  std::vector<std::string> warnings;
};

// Decides, per incoming record, what happens to the feed's hearings:
// - identity: source_key(record) == the stored hearing's source_key. Of several records with
//   one key in the same import, the highest SEQUENCE wins (a tie: the first); the others are
//   rejected ("same hearing as ...").
// - SEQUENCE: a record whose SEQUENCE is lower than the stored hearing's is stale: unchanged.
// - cancelled record: the hearing is cancelled (unchanged when it already is).
// - a cancelled hearing whose record is scheduled again: reinstate.
// - a moved start: continue_ (status continued, history with the old and new start, reason
//   from the court's wording when it gave one).
// - another field changed (kind, end, department, judge, docket): update.
// - nothing changed: unchanged.
// - no stored hearing: create when the record's case is known (status continued for a moved
//   instance, cancelled for a record already cancelled), else unmatched.
// - snapshot only: a stored hearing that is not cancelled, starts at or after `now` and has
//   no record is cancelled ("no longer on the court's calendar"); but first, natural-key
//   hearings (no court id) are paired with new natural-key records of the same case, docket
//   and kind: exactly one missing and one new in such a group is a continuance, and the
//   hearing takes the new key.
// Changes come out in input order (records first, then missing hearings).
[[nodiscard]] ReconcilePlan reconcile(const ReconcileInput& input);

// ---------------------------------------------------------------------------------------
// Hearing deadlines (pure)

// What the deadlines of one hearing depend on, per prosecution.
struct HearingFacts {
  Stage stage = Stage::referred;
  bool victim_requested_notice = false;  // a linked victim asked for notice (Marsy's Law)
  bool early_report_requested = false;
};

// The deadlines a hearing of `kind` starting at `starts_at` triggers (the `hearing` rules of
// engine/deadline_rules.hpp: PC 1050(b) before any hearing, PC 1203 before a sentencing,
// PC 1202.4 before a restitution hearing, the victim notice when one was requested), with
// trigger "hearing". None for a prosecution that has ended (declined, dismissed, acquitted;
// sentenced, except for a restitution hearing). Errors: those of compute_due.
[[nodiscard]] Result<std::vector<Deadline>> hearing_deadlines(CourtEventKind kind, TimePoint starts_at,
                                                              const HearingFacts& facts,
                                                              const CourtCalendar& calendar);

// The notification a change queues: hearing_scheduled (created, reinstated),
// hearing_changed (continued, updated), hearing_cancelled; "" for none (a hearing created
// already cancelled).
[[nodiscard]] const char* notification_kind(const PlannedChange& change);

}  // namespace heat
