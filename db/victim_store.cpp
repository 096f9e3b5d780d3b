#include "db/victim_store.hpp"

#include "db/audit_log.hpp"
#include "db/json_text.hpp"
#include "db/idempotency.hpp"
#include "db/errors.hpp"
#include "db/identity_store.hpp"
#include "engine/cases.hpp"
#include "engine/court_calendar.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <stdexcept>

namespace heat::db {
namespace {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------
// SQL

constexpr const char* kAdvocateSql = "SELECT role, active::int, unit FROM users WHERE id = :id::uuid";
constexpr const char* kNextPseudonymSql =
    "INSERT INTO victim_pseudonym_counters (unit, prefix, last_number) VALUES (:unit, :prefix, 1)"
    " ON CONFLICT (unit, prefix) DO UPDATE SET last_number = victim_pseudonym_counters.last_number + 1"
    " RETURNING last_number";
constexpr const char* kInsertVictimSql =
    "INSERT INTO victims (unit, pseudonym, legal_name_sealed, dob_sealed, contact_sealed, safety_notes_sealed, gender,"
    " race_ethnicity, residence_city, residence_county, residence_state, advocate_id, created_by, created_at,"
    " updated_at) VALUES (:unit, :pseudonym, :name, :dob, :contact, :notes, :gender, :race, :city, :county, :state,"
    " NULLIF(:advocate, '')::uuid, NULLIF(:creator, '')::uuid, to_timestamp(CAST(:us AS double precision) / 1000000),"
    " to_timestamp(CAST(:us2 AS double precision) / 1000000)) RETURNING id::text";
constexpr const char* kVictimSelect =
    "SELECT v.id::text, v.unit, v.pseudonym, v.gender, v.race_ethnicity, v.residence_city, v.residence_county,"
    " v.residence_state, COALESCE(v.advocate_id::text, ''), v.version,"
    " (extract(epoch FROM v.created_at) * 1000000)::bigint, v.dob_sealed,"
    " (SELECT min(ch.offense_date)::text FROM charges ch JOIN victim_links l ON l.prosecution_id = ch.prosecution_id"
    " WHERE l.victim_id = v.id)"
    " FROM victims v WHERE v.id = :id::uuid";
constexpr const char* kLinksSql =
    "SELECT l.prosecution_id::text, p.case_id::text, l.role, (extract(epoch FROM l.created_at) * 1000000)::bigint,"
    " COALESCE(c.lead_dda_id::text, ''),"
    " COALESCE((SELECT json_agg(a.user_id::text) FROM case_assignments a WHERE a.case_id = c.id)::text, '[]')"
    " FROM victim_links l JOIN prosecutions p ON p.id = l.prosecution_id JOIN cases c ON c.id = p.case_id"
    " WHERE l.victim_id = :id::uuid ORDER BY l.created_at, l.prosecution_id";
constexpr const char* kSealedSql =
    "SELECT legal_name_sealed, dob_sealed, contact_sealed, safety_notes_sealed FROM victims WHERE id = :id::uuid";
constexpr const char* kLockVictimSql = "SELECT unit FROM victims WHERE id = :id::uuid FOR UPDATE";
constexpr const char* kProsecutionContextSql =
    "SELECT c.unit, COALESCE(c.lead_dda_id::text, ''),"
    " COALESCE((SELECT json_agg(a.user_id::text) FROM case_assignments a WHERE a.case_id = c.id)::text, '[]'),"
    " p.case_id::text FROM prosecutions p JOIN cases c ON c.id = p.case_id WHERE p.id = :id::uuid";
constexpr const char* kInsertLinkSql =
    "INSERT INTO victim_links (victim_id, prosecution_id, role, created_by, created_at) VALUES (:vid::uuid, :pid::uuid,"
    " :role, NULLIF(:actor, '')::uuid, to_timestamp(CAST(:us AS double precision) / 1000000))"
    " ON CONFLICT DO NOTHING RETURNING 1";
constexpr const char* kBumpVictimSql =
    "UPDATE victims SET version = version + 1, updated_at = to_timestamp(CAST(:us AS double precision) / 1000000)"
    " WHERE id = :id::uuid";
constexpr const char* kLinkedVictimsSql =
    "SELECT v.id::text, COALESCE(v.advocate_id::text, ''), v.pseudonym FROM victim_links l"
    " JOIN victims v ON v.id = l.victim_id WHERE l.prosecution_id = :id::uuid ORDER BY v.pseudonym";
constexpr const char* kItemColumns =
    "SELECT id::text, victim_id::text, domain, provider, goal, status, review_on::text, version,"
    " (extract(epoch FROM created_at) * 1000000)::bigint, (extract(epoch FROM updated_at) * 1000000)::bigint"
    " FROM service_plan_items";
constexpr const char* kInsertItemSql =
    "INSERT INTO service_plan_items (victim_id, domain, provider, goal, status, review_on, created_by, created_at,"
    " updated_at) VALUES (:vid::uuid, :domain, :provider, :goal, :status, NULLIF(:review, '')::date,"
    " NULLIF(:actor, '')::uuid, to_timestamp(CAST(:us AS double precision) / 1000000),"
    " to_timestamp(CAST(:us2 AS double precision) / 1000000)) RETURNING id::text";
constexpr const char* kUpdateItemSql =
    "UPDATE service_plan_items SET provider = :provider, goal = :goal, status = :status,"
    " review_on = NULLIF(:review, '')::date, version = version + 1,"
    " updated_at = to_timestamp(CAST(:us AS double precision) / 1000000) WHERE id = :id::uuid";
constexpr const char* kRightsColumns =
    "SELECT id::text, prosecution_id::text, victim_id::text, kind, (extract(epoch FROM at) * 1000000)::bigint, notes,"
    " reason, COALESCE(recorded_by::text, ''), (extract(epoch FROM created_at) * 1000000)::bigint FROM victim_rights";
constexpr const char* kInsertRightsSql =
    "INSERT INTO victim_rights (prosecution_id, victim_id, kind, at, notes, reason, recorded_by, created_at)"
    " VALUES (:pid::uuid, :vid::uuid, :kind, to_timestamp(CAST(:at AS double precision) / 1000000), :notes, :reason,"
    " NULLIF(:actor, '')::uuid, to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text";
constexpr const char* kIsLinkedSql =
    "SELECT 1 FROM victim_links WHERE prosecution_id = :pid::uuid AND victim_id = :vid::uuid FOR SHARE";
constexpr const char* kUnconferredSql =
    "SELECT v.pseudonym FROM victim_links l JOIN victims v ON v.id = l.victim_id WHERE l.prosecution_id = :pid::uuid"
    " AND NOT EXISTS (SELECT 1 FROM victim_rights r WHERE r.prosecution_id = l.prosecution_id"
    " AND r.victim_id = l.victim_id AND r.kind IN ('conferred', 'waived')) ORDER BY v.pseudonym";
constexpr const char* kLastSeqSql =
    "SELECT COALESCE(max(seq), 0) FROM prosecution_transitions WHERE prosecution_id = :id::uuid";
// One row per advocate (DISTINCT), whatever the number of their victims on the prosecution.
constexpr const char* kQueueAlertSql =
    "INSERT INTO notifications (user_id, kind, subject_id, dedupe_key, payload, created_at)"
    " SELECT DISTINCT v.advocate_id, CAST(:kind AS text), CAST(:pid AS text), CAST(:key AS text), CAST(:payload AS text),"
    " to_timestamp(CAST(:us AS double precision) / 1000000)"
    " FROM victim_links l JOIN victims v ON v.id = l.victim_id"
    " WHERE l.prosecution_id = CAST(:pid2 AS uuid) AND v.advocate_id IS NOT NULL"
    " ON CONFLICT (user_id, dedupe_key) DO NOTHING";
constexpr const char* kNotificationColumns =
    "SELECT id::text, user_id::text, kind, subject_id, payload, (extract(epoch FROM created_at) * 1000000)::bigint,"
    " (extract(epoch FROM read_at) * 1000000)::bigint, (extract(epoch FROM delivered_at) * 1000000)::bigint"
    " FROM notifications";

// ---------------------------------------------------------------------------------------
// Helpers

Error not_found(const char* what) { return Error::of(ErrorCode::not_found, std::string("no such ") + what); }

std::optional<std::string> text_column(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) != soci::i_ok) return std::nullopt;
  return r.get<std::string>(i);
}

std::optional<std::chrono::sys_days> date_column(const soci::row& r, std::size_t i) {
  auto t = text_column(r, i);
  if (!t) return std::nullopt;
  auto d = parse_date(*t, "date");
  if (!d) return std::nullopt;
  return *d;
}

// A nullable text parameter: the value and its indicator, kept alive for the statement.
struct Nullable {
  std::string value;
  soci::indicator ind = soci::i_null;
  explicit Nullable(const std::optional<std::string>& v) : value(v.value_or("")), ind(v ? soci::i_ok : soci::i_null) {}
};

void add_unique(std::vector<std::string>& ids, const std::string& id) {
  if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

Result<std::optional<std::string>> seal_optional(const FieldCipher& cipher, const std::optional<std::string>& v) {
  if (!v) return std::optional<std::string>();
  auto sealed = cipher.seal(*v);
  if (!sealed) return sealed.error();
  return std::optional<std::string>(std::move(*sealed));
}

ServiceItem read_item(const soci::row& r) {
  ServiceItem i;
  i.id = r.get<std::string>(0);
  i.victim_id = r.get<std::string>(1);
  i.domain = r.get<std::string>(2);
  i.provider = r.get<std::string>(3);
  i.goal = r.get<std::string>(4);
  i.status = r.get<std::string>(5);
  i.review_on = date_column(r, 6);
  i.version = r.get<int>(7);
  i.created_at = from_epoch_micros(r.get<long long>(8));
  i.updated_at = from_epoch_micros(r.get<long long>(9));
  return i;
}

std::optional<ServiceItem> load_item(soci::session& sql, const std::string& id) {
  soci::rowset<soci::row> rows = (sql.prepare << std::string(kItemColumns) + " WHERE id = :id::uuid",
                                  soci::use(id, "id"));
  for (const auto& r : rows) return read_item(r);
  return std::nullopt;
}

RightsEntry read_rights(const soci::row& r) {
  RightsEntry e;
  e.id = r.get<std::string>(0);
  e.prosecution_id = r.get<std::string>(1);
  e.victim_id = r.get<std::string>(2);
  e.kind = r.get<std::string>(3);
  e.at = from_epoch_micros(r.get<long long>(4));
  e.notes = text_column(r, 5);
  e.reason = text_column(r, 6);
  e.recorded_by = r.get<std::string>(7);
  e.created_at = from_epoch_micros(r.get<long long>(8));
  return e;
}

Notification read_notification(const soci::row& r) {
  Notification n;
  n.id = r.get<std::string>(0);
  n.user_id = r.get<std::string>(1);
  n.kind = r.get<std::string>(2);
  n.subject_id = r.get<std::string>(3);
  n.payload = r.get<std::string>(4);
  n.created_at = from_epoch_micros(r.get<long long>(5));
  if (r.get_indicator(6) == soci::i_ok) n.read_at = from_epoch_micros(r.get<long long>(6));
  if (r.get_indicator(7) == soci::i_ok) n.delivered_at = from_epoch_micros(r.get<long long>(7));
  return n;
}

AuditEntry audit_for(const AuditEntry& base, const std::string& entity, const std::string& id, json::object details) {
  AuditEntry a = base;
  a.entity = entity;
  a.entity_id = id;
  a.details = json::serialize(details);
  return a;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Hooks of the lifecycle event transaction

Status check_victim_conferral(soci::session& sql, const std::string& prosecution_id, const std::string& event) {
  if (!needs_victim_conferral(event)) return {};
  std::vector<std::string> missing;
  soci::rowset<soci::row> rows = (sql.prepare << kUnconferredSql, soci::use(prosecution_id, "pid"));
  for (const auto& r : rows) missing.push_back(r.get<std::string>(0));
  if (missing.empty()) return {};
  Error e = Error::of(ErrorCode::domain_rule, "");
  std::string names;
  for (const auto& m : missing) {
    names += (names.empty() ? "" : ", ") + m;
    e.fields.push_back({"victim_rights", m + ": no conferral recorded and no supervisor's waiver"});
  }
  e.message = "Marsy's Law (Cal. Const. art. I, sec. 28(b)): " + event +
              " needs a recorded conferral with, or a supervisor's waiver for, each linked victim; missing for " +
              names;
  return e;
}

void queue_advocate_alerts(soci::session& sql, const std::string& prosecution_id, const std::string& event,
                           TimePoint occurred_at, TimePoint now) {
  const std::string kind(advocate_alert_kind(event));
  if (kind.empty()) return;
  int seq = 0;
  sql << kLastSeqSql, soci::use(prosecution_id, "id"), soci::into(seq);
  const std::string key = kind + ":" + prosecution_id + ":" + std::to_string(seq);
  const std::string payload = json::serialize(
      json::object{{"prosecution_id", prosecution_id}, {"event", event}, {"occurred_at", format_utc_micros(occurred_at)}});
  const long long us = to_epoch_micros(now);
  sql << kQueueAlertSql, soci::use(kind, "kind"), soci::use(prosecution_id, "pid"), soci::use(key, "key"),
      soci::use(payload, "payload"), soci::use(us, "us"), soci::use(prosecution_id, "pid2");
}

// ---------------------------------------------------------------------------------------
// Victims

std::optional<Victim> PgVictimStore::load(soci::session& sql, const std::string& id) const {
  std::optional<Victim> out;
  std::optional<std::string> dob_sealed;
  std::optional<std::chrono::sys_days> offense;
  {
    soci::rowset<soci::row> rows = (sql.prepare << kVictimSelect, soci::use(id, "id"));
    for (const auto& r : rows) {
      Victim v;
      v.id = r.get<std::string>(0);
      v.unit = r.get<std::string>(1);
      v.pseudonym = r.get<std::string>(2);
      v.gender = parse_gender(r.get<std::string>(3)).value();
      v.race_ethnicity = text_column(r, 4);
      v.residence_city = text_column(r, 5);
      v.residence_county = text_column(r, 6);
      v.residence_state = text_column(r, 7);
      v.advocate_id = r.get<std::string>(8);
      v.version = r.get<int>(9);
      v.created_at = from_epoch_micros(r.get<long long>(10));
      dob_sealed = text_column(r, 11);
      offense = date_column(r, 12);
      out = std::move(v);
      break;
    }
  }
  if (!out) return out;
  out->access.unit = out->unit;
  out->access.victim_advocate_id = out->advocate_id;
  soci::rowset<soci::row> links = (sql.prepare << kLinksSql, soci::use(id, "id"));
  for (const auto& r : links) {
    VictimLink l;
    l.victim_id = id;
    l.prosecution_id = r.get<std::string>(0);
    l.case_id = r.get<std::string>(1);
    l.role = r.get<std::string>(2);
    l.created_at = from_epoch_micros(r.get<long long>(3));
    add_unique(out->access.linked_dda_ids, r.get<std::string>(4));
    for (const auto& a : string_array(r.get<std::string>(5))) add_unique(out->access.linked_dda_ids, a);
    out->links.push_back(std::move(l));
  }
  // Minor status is derived inside the store: the date of birth is opened here and never
  // leaves it, so deriving it is not an identity read.
  if (dob_sealed) {
    if (auto dob = cipher_.open(*dob_sealed))
      if (auto d = parse_date(*dob, "dob")) out->minor_at_offense = minor_at_offense(*d, offense);
  }
  return out;
}

Result<Victim> PgVictimStore::create_victim(const NewVictim& nv, const AuditEntry& audit,
                                            const Idempotent<Victim>* idem) {
  auto name = cipher_.seal(nv.identity.legal_name);
  if (!name) return name.error();
  auto dob = seal_optional(cipher_, nv.identity.dob ? std::optional<std::string>(format_date(*nv.identity.dob))
                                                    : std::nullopt);
  if (!dob) return dob.error();
  auto contact = seal_optional(cipher_, nv.identity.contact);
  if (!contact) return contact.error();
  auto notes = seal_optional(cipher_, nv.identity.safety_notes);
  if (!notes) return notes.error();
  return in_transaction(pool_, [&](soci::session& sql) -> Result<Victim> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<Victim> {
      if (!nv.advocate_id.empty()) {
        if (!is_uuid(nv.advocate_id)) return Error::invalid("advocate_id", "must be a user id");
        std::string role, unit;
        int active = 0;
        soci::indicator ind = soci::i_null;
        sql << kAdvocateSql, soci::use(nv.advocate_id, "id"), soci::into(role, ind), soci::into(active),
            soci::into(unit);
        if (!sql.got_data() || ind != soci::i_ok) return Error::invalid("advocate_id", "no such user");
        if (role != "advocate") return Error::invalid("advocate_id", "must be a victim advocate");
        if (active == 0) return Error::invalid("advocate_id", "the user is disabled");
        if (unit != nv.unit) return Error::invalid("advocate_id", "must be an advocate of the victim's unit");
      }
      const std::string prefix(pseudonym_prefix(nv.gender));
      int number = 0;
      sql << kNextPseudonymSql, soci::use(nv.unit, "unit"), soci::use(prefix, "prefix"), soci::into(number);
      const std::string pseudonym = prefix + " " + std::to_string(number);
      const std::string gender(to_string(nv.gender));
      Nullable dob_p(*dob), contact_p(*contact), notes_p(*notes), race(nv.race_ethnicity), city(nv.residence_city),
          county(nv.residence_county), state(nv.residence_state);
      const std::string creator = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
      const long long us = to_epoch_micros(audit.at);
      std::string id;
      sql << kInsertVictimSql, soci::use(nv.unit, "unit"), soci::use(pseudonym, "pseudonym"), soci::use(*name, "name"),
          soci::use(dob_p.value, dob_p.ind, "dob"), soci::use(contact_p.value, contact_p.ind, "contact"),
          soci::use(notes_p.value, notes_p.ind, "notes"), soci::use(gender, "gender"),
          soci::use(race.value, race.ind, "race"), soci::use(city.value, city.ind, "city"),
          soci::use(county.value, county.ind, "county"), soci::use(state.value, state.ind, "state"),
          soci::use(nv.advocate_id, "advocate"), soci::use(creator, "creator"), soci::use(us, "us"),
          soci::use(us, "us2"), soci::into(id);
      // The audit entry names the pseudonym only: the log must not become a copy of the identity.
      append_audit(sql, audit_for(audit, "victim", id, {{"pseudonym", pseudonym}}));
      auto v = load(sql, id);
      if (!v) return not_found("victim");
      return std::move(*v);
    });
  });
}

Result<std::optional<Victim>> PgVictimStore::get_victim(const std::string& id) {
  if (!is_uuid(id)) return std::optional<Victim>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    return load(**lease, id);
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<VictimIdentity> PgVictimStore::read_identity(const std::string& id, const AuditEntry& audit) {
  if (!is_uuid(id)) return not_found("victim");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<VictimIdentity> {
    std::optional<std::array<std::optional<std::string>, 4>> sealed;
    {
      soci::rowset<soci::row> rows = (sql.prepare << kSealedSql, soci::use(id, "id"));
      for (const auto& r : rows) {
        sealed = std::array<std::optional<std::string>, 4>{text_column(r, 0), text_column(r, 1), text_column(r, 2),
                                                           text_column(r, 3)};
        break;
      }
    }
    if (!sealed) return not_found("victim");
    VictimIdentity out;
    json::array fields;
    auto open = [&](const std::optional<std::string>& s, const char* field) -> Result<std::optional<std::string>> {
      if (!s) return std::optional<std::string>();
      auto plain = cipher_.open(*s);
      if (!plain) return plain.error();
      fields.push_back(json::string(field));
      return std::optional<std::string>(std::move(*plain));
    };
    auto name = open((*sealed)[0], "legal_name");
    if (!name) return name.error();
    out.legal_name = name->value_or("");
    auto dob = open((*sealed)[1], "dob");
    if (!dob) return dob.error();
    if (*dob) {
      auto d = parse_date(**dob, "dob");
      if (!d) return Error::of(ErrorCode::internal, "a stored date of birth is not a date");
      out.dob = *d;
    }
    auto contact = open((*sealed)[2], "contact");
    if (!contact) return contact.error();
    out.contact = *contact;
    auto notes = open((*sealed)[3], "safety_notes");
    if (!notes) return notes.error();
    out.safety_notes = *notes;
    append_audit(sql, audit_for(audit, "victim", id, {{"fields", fields}}));
    return out;
  });
}

Result<VictimLink> PgVictimStore::link(const std::string& victim_id, const std::string& prosecution_id,
                                       const std::string& role, const VictimAuthorizer& authorize,
                                       const AuditEntry& audit, const Idempotent<VictimLink>* idem) {
  if (!is_uuid(victim_id)) return not_found("victim");
  if (!is_uuid(prosecution_id)) return not_found("prosecution");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<VictimLink> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<VictimLink> {
      std::string victim_unit;
      sql << kLockVictimSql, soci::use(victim_id, "id"), soci::into(victim_unit);
      if (!sql.got_data()) return not_found("victim");
      RecordContext ctx;
      std::string assigned, case_id;
      sql << kProsecutionContextSql, soci::use(prosecution_id, "id"), soci::into(ctx.unit), soci::into(ctx.lead_dda_id),
          soci::into(assigned), soci::into(case_id);
      if (!sql.got_data()) return not_found("prosecution");
      ctx.assigned_dda_ids = string_array(assigned);
      if (auto s = authorize(ctx); !s) return s.error();
      if (ctx.unit != victim_unit)
        return Error::of(ErrorCode::domain_rule, "the victim and the prosecution belong to different units");
      const std::string actor = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
      const long long us = to_epoch_micros(audit.at);
      int inserted = 0;
      sql << kInsertLinkSql, soci::use(victim_id, "vid"), soci::use(prosecution_id, "pid"), soci::use(role, "role"),
          soci::use(actor, "actor"), soci::use(us, "us"), soci::into(inserted);
      if (!sql.got_data() || inserted != 1)
        return Error::of(ErrorCode::already_exists, "the victim is already linked to this prosecution");
      sql << kBumpVictimSql, soci::use(us, "us"), soci::use(victim_id, "id");
      append_audit(sql, audit_for(audit, "victim", victim_id, {{"prosecution_id", prosecution_id}, {"role", role}}));
      return VictimLink{victim_id, prosecution_id, case_id, role, audit.at};
    });
  });
}

Result<std::vector<LinkedVictim>> PgVictimStore::linked_victims(const std::string& prosecution_id) {
  if (!is_uuid(prosecution_id)) return std::vector<LinkedVictim>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<LinkedVictim> out;
    soci::rowset<soci::row> rows = ((**lease).prepare << kLinkedVictimsSql, soci::use(prosecution_id, "id"));
    for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Service plans

Result<std::vector<ServiceItem>> PgVictimStore::service_plan(const std::string& victim_id) {
  if (!is_uuid(victim_id)) return std::vector<ServiceItem>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<ServiceItem> out;
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kItemColumns) + " WHERE victim_id = :id::uuid ORDER BY created_at, id",
         soci::use(victim_id, "id"));
    for (const auto& r : rows) out.push_back(read_item(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<ServiceItem> PgVictimStore::add_service_item(const std::string& victim_id, const NewServiceItem& item,
                                                    const AuditEntry& audit, const Idempotent<ServiceItem>* idem) {
  if (!is_uuid(victim_id)) return not_found("victim");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ServiceItem> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<ServiceItem> {
      std::string unit;
      sql << kLockVictimSql, soci::use(victim_id, "id"), soci::into(unit);
      if (!sql.got_data()) return not_found("victim");
      const std::string review = item.review_on ? format_date(*item.review_on) : std::string();
      const std::string actor = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
      const long long us = to_epoch_micros(audit.at);
      std::string id;
      sql << kInsertItemSql, soci::use(victim_id, "vid"), soci::use(item.domain, "domain"),
          soci::use(item.provider, "provider"), soci::use(item.goal, "goal"), soci::use(item.status, "status"),
          soci::use(review, "review"), soci::use(actor, "actor"), soci::use(us, "us"), soci::use(us, "us2"),
          soci::into(id);
      append_audit(sql, audit_for(audit, "service_plan_item", id,
                                  {{"victim_id", victim_id}, {"domain", item.domain}, {"status", item.status}}));
      auto stored = load_item(sql, id);
      if (!stored) return not_found("service plan item");
      return std::move(*stored);
    });
  });
}

Result<ServiceItem> PgVictimStore::patch_service_item(const std::string& victim_id, const std::string& item_id,
                                                      std::optional<int> expected_version,
                                                      const ServiceItemPatch& patch, const StatusDecider& decide,
                                                      const AuditEntry& audit) {
  if (!is_uuid(victim_id) || !is_uuid(item_id)) return not_found("service plan item");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ServiceItem> {
    int version = 0;
    sql << "SELECT version FROM service_plan_items WHERE id = :id::uuid AND victim_id = :vid::uuid FOR UPDATE",
        soci::use(item_id, "id"), soci::use(victim_id, "vid"), soci::into(version);
    if (!sql.got_data()) return not_found("service plan item");
    if (expected_version && *expected_version != version)
      return Error::of(ErrorCode::precondition_failed, "If-Match \"" + std::to_string(*expected_version) +
                                                           "\" does not match the current version \"" +
                                                           std::to_string(version) + "\"");
    auto item = load_item(sql, item_id);
    if (!item) return not_found("service plan item");
    const std::string from = item->status;
    if (patch.status) {
      auto to = decide(item->status, *patch.status);
      if (!to) return to.error();
      item->status = *to;
    }
    if (patch.provider) item->provider = *patch.provider;
    if (patch.goal) item->goal = *patch.goal;
    if (patch.review_on) item->review_on = *patch.review_on;
    const std::string review = item->review_on ? format_date(*item->review_on) : std::string();
    const long long us = to_epoch_micros(audit.at);
    sql << kUpdateItemSql, soci::use(item->provider, "provider"), soci::use(item->goal, "goal"),
        soci::use(item->status, "status"), soci::use(review, "review"), soci::use(us, "us"), soci::use(item_id, "id");
    append_audit(sql, audit_for(audit, "service_plan_item", item_id,
                                {{"victim_id", victim_id}, {"from_status", from}, {"to_status", item->status},
                                 {"version", version + 1}}));
    auto stored = load_item(sql, item_id);
    if (!stored) return not_found("service plan item");
    return std::move(*stored);
  });
}

// ---------------------------------------------------------------------------------------
// Marsy's Law

Result<RightsEntry> PgVictimStore::add_rights_entry(const RightsEntry& e, const AuditEntry& audit,
                                                    const Idempotent<RightsEntry>* idem) {
  if (!is_uuid(e.prosecution_id)) return not_found("prosecution");
  if (!is_uuid(e.victim_id)) return Error::invalid("victim_id", "not a victim linked to this prosecution");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<RightsEntry> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<RightsEntry> {
      int linked = 0;
      sql << kIsLinkedSql, soci::use(e.prosecution_id, "pid"), soci::use(e.victim_id, "vid"), soci::into(linked);
      if (!sql.got_data()) return Error::invalid("victim_id", "not a victim linked to this prosecution");
      Nullable notes(e.notes), reason(e.reason);
      const std::string actor = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
      const long long at = to_epoch_micros(e.at);
      const long long us = to_epoch_micros(audit.at);
      std::string id;
      sql << kInsertRightsSql, soci::use(e.prosecution_id, "pid"), soci::use(e.victim_id, "vid"),
          soci::use(e.kind, "kind"), soci::use(at, "at"), soci::use(notes.value, notes.ind, "notes"),
          soci::use(reason.value, reason.ind, "reason"), soci::use(actor, "actor"), soci::use(us, "us"),
          soci::into(id);
      append_audit(sql, audit_for(audit, "victim_rights", id,
                                  {{"prosecution_id", e.prosecution_id}, {"victim_id", e.victim_id}, {"kind", e.kind}}));
      soci::rowset<soci::row> rows = (sql.prepare << std::string(kRightsColumns) + " WHERE id = :id::uuid",
                                      soci::use(id, "id"));
      for (const auto& r : rows) return read_rights(r);
      return not_found("victim rights entry");
    });
  });
}

Result<std::vector<RightsEntry>> PgVictimStore::rights_entries(const std::string& prosecution_id) {
  if (!is_uuid(prosecution_id)) return std::vector<RightsEntry>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    std::vector<RightsEntry> out;
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kRightsColumns) + " WHERE prosecution_id = :id::uuid ORDER BY at, created_at",
         soci::use(prosecution_id, "id"));
    for (const auto& r : rows) out.push_back(read_rights(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Safety Net

namespace {

constexpr const char* kReviewColumns =
    "SELECT id::text, victim_id::text, meeting_date::text, agencies_present, whereabouts_known::int,"
    " safe_and_stable::int, receiving_services::int, point_of_contact, risk_level, next_steps, next_review_on::text,"
    " (extract(epoch FROM created_at) * 1000000)::bigint FROM mdt_reviews";

MdtReview read_review(const soci::row& r) {
  MdtReview v;
  v.id = r.get<std::string>(0);
  v.victim_id = r.get<std::string>(1);
  v.meeting_date = parse_date(r.get<std::string>(2), "meeting_date").value();
  v.agencies_present = string_array(r.get<std::string>(3));
  v.whereabouts_known = r.get<int>(4) != 0;
  v.safe_and_stable = r.get<int>(5) != 0;
  v.receiving_services = r.get<int>(6) != 0;
  v.point_of_contact = r.get<std::string>(7);
  v.risk_level = r.get<std::string>(8);
  v.next_steps = r.get<std::string>(9);
  v.next_review_on = date_column(r, 10);
  v.created_at = from_epoch_micros(r.get<long long>(11));
  return v;
}

std::vector<std::string> meeting_agencies(soci::session& sql, const std::string& meeting_id) {
  std::vector<std::string> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT agency_id::text FROM mdt_meeting_agencies WHERE meeting_id = :id::uuid ORDER BY agency_id",
       soci::use(meeting_id, "id"));
  for (const auto& r : rows) out.push_back(r.get<std::string>(0));
  return out;
}

}  // namespace

Result<Agency> PgVictimStore::create_agency(const Agency& agency, const AuditEntry& audit,
                                            const Idempotent<Agency>* idem) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<Agency> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<Agency> {
      std::vector<std::string> scope;
      for (Field f : agency.mou_scope) scope.emplace_back(to_string(f));
      const std::string scope_text = json_array_text(scope);
      const long long us = to_epoch_micros(audit.at);
      std::string id;
      sql << "INSERT INTO agencies (name, mou_scope, created_at) VALUES (:name,"
             " ARRAY(SELECT json_array_elements_text(CAST(:scope AS json))),"
             " to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text",
          soci::use(agency.name, "name"), soci::use(scope_text, "scope"), soci::use(us, "us"), soci::into(id);
      append_audit(sql, audit_for(audit, "agency", id, {{"name", agency.name}, {"mou_scope", json::value_from(scope)}}));
      Agency out = agency;
      out.id = id;
      return out;
    });
  });
}

Result<std::optional<Agency>> PgVictimStore::get_agency(const std::string& id) {
  if (!is_uuid(id)) return std::optional<Agency>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::rowset<soci::row> rows =
        ((**lease).prepare << "SELECT id::text, name, array_to_json(mou_scope)::text FROM agencies WHERE id = :id::uuid",
         soci::use(id, "id"));
    for (const auto& r : rows) {
      Agency a;
      a.id = r.get<std::string>(0);
      a.name = r.get<std::string>(1);
      for (const auto& f : string_array(r.get<std::string>(2)))
        if (auto field = parse_field(f)) a.mou_scope.push_back(*field);
      return std::optional<Agency>(std::move(a));
    }
    return std::optional<Agency>();
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<MdtMeeting> PgVictimStore::create_meeting(const MdtMeeting& meeting, const AuditEntry& audit,
                                                 const Idempotent<MdtMeeting>* idem) {
  for (const auto& a : meeting.agency_ids)
    if (!is_uuid(a)) return Error::invalid("agency_ids", "not an agency id: " + a);
  return in_transaction(pool_, [&](soci::session& sql) -> Result<MdtMeeting> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<MdtMeeting> {
      const std::string date = format_date(meeting.date);
      const long long us = to_epoch_micros(audit.at);
      const std::string actor = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
      std::string id;
      sql << "INSERT INTO mdt_meetings (unit, date, created_by, created_at) VALUES (:unit, :date::date,"
             " NULLIF(:actor, '')::uuid, to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text",
          soci::use(meeting.unit, "unit"), soci::use(date, "date"), soci::use(actor, "actor"), soci::use(us, "us"),
          soci::into(id);
      for (const auto& a : meeting.agency_ids) {
        int found = 0;
        sql << "SELECT 1 FROM agencies WHERE id = :id::uuid", soci::use(a, "id"), soci::into(found);
        if (!sql.got_data()) return Error::invalid("agency_ids", "no such agency: " + a);
        sql << "INSERT INTO mdt_meeting_agencies (meeting_id, agency_id) VALUES (:m::uuid, :a::uuid)"
               " ON CONFLICT DO NOTHING",
            soci::use(id, "m"), soci::use(a, "a");
      }
      append_audit(sql, audit_for(audit, "mdt_meeting", id, {{"date", date}, {"agencies", meeting.agency_ids.size()}}));
      MdtMeeting out = meeting;
      out.id = id;
      out.agency_ids = meeting_agencies(sql, id);
      return out;
    });
  });
}

Result<std::vector<MdtMeeting>> PgVictimStore::meetings_on(std::chrono::sys_days date) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::session& sql = **lease;
    const std::string d = format_date(date);
    std::vector<MdtMeeting> out;
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT id::text, unit FROM mdt_meetings WHERE date = :d::date ORDER BY unit", soci::use(d, "d"));
      for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), date, {}});
    }
    for (auto& m : out) m.agency_ids = meeting_agencies(sql, m.id);
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<MdtReview> PgVictimStore::add_review(const MdtReview& review, const AuditEntry& audit,
                                            const Idempotent<MdtReview>* idem) {
  if (!is_uuid(review.victim_id)) return not_found("victim");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<MdtReview> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<MdtReview> {
      std::string unit;
      sql << kLockVictimSql, soci::use(review.victim_id, "id"), soci::into(unit);
      if (!sql.got_data()) return not_found("victim");
      const std::string date = format_date(review.meeting_date);
      const std::string present = json_array_text(review.agencies_present);
      const int where = review.whereabouts_known ? 1 : 0, safe = review.safe_and_stable ? 1 : 0,
                services = review.receiving_services ? 1 : 0;
      const std::string next = review.next_review_on ? format_date(*review.next_review_on) : std::string();
      const std::string actor = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
      const long long us = to_epoch_micros(audit.at);
      std::string id;
      sql << "INSERT INTO mdt_reviews (victim_id, meeting_date, agencies_present, whereabouts_known, safe_and_stable,"
             " receiving_services, point_of_contact, risk_level, next_steps, next_review_on, created_by, created_at)"
             " VALUES (:vid::uuid, :date::date, :present, CAST(:w AS integer) = 1, CAST(:s AS integer) = 1,"
             " CAST(:r AS integer) = 1, :poc, :risk, :steps, NULLIF(:next, '')::date, NULLIF(:actor, '')::uuid,"
             " to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text",
          soci::use(review.victim_id, "vid"), soci::use(date, "date"), soci::use(present, "present"),
          soci::use(where, "w"), soci::use(safe, "s"), soci::use(services, "r"),
          soci::use(review.point_of_contact, "poc"), soci::use(review.risk_level, "risk"),
          soci::use(review.next_steps, "steps"), soci::use(next, "next"), soci::use(actor, "actor"),
          soci::use(us, "us"), soci::into(id);
      append_audit(sql, audit_for(audit, "mdt_review", id, {{"victim_id", review.victim_id}, {"meeting_date", date}}));
      soci::rowset<soci::row> rows =
          (sql.prepare << std::string(kReviewColumns) + " WHERE id = :id::uuid", soci::use(id, "id"));
      for (const auto& r : rows) return read_review(r);
      return not_found("review");
    });
  });
}

Result<std::vector<AgendaItem>> PgVictimStore::agenda(const MdtMeeting& meeting) {
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::session& sql = **lease;
    const std::string d = format_date(meeting.date);
    std::vector<AgendaItem> out;
    {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT v.id::text, v.pseudonym FROM victims v WHERE v.unit = :unit AND EXISTS (SELECT 1"
                          " FROM mdt_reviews r WHERE r.victim_id = v.id AND (r.meeting_date = :d::date"
                          " OR r.next_review_on = :d2::date)) ORDER BY v.pseudonym",
           soci::use(meeting.unit, "unit"), soci::use(d, "d"), soci::use(d, "d2"));
      for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), {}, {}, std::nullopt});
    }
    for (auto& item : out) {
      soci::rowset<soci::row> dates =
          (sql.prepare << "SELECT DISTINCT x.d::text FROM victim_links l JOIN prosecutions p ON p.id = l.prosecution_id,"
                          " LATERAL (VALUES (p.trial_date), (p.next_appearance)) AS x(d)"
                          " WHERE l.victim_id = :vid::uuid AND x.d IS NOT NULL AND x.d >= :d::date ORDER BY 1",
           soci::use(item.victim_id, "vid"), soci::use(d, "d"));
      for (const auto& r : dates) item.court_dates.push_back(r.get<std::string>(0));
      soci::rowset<soci::row> items =
          (sql.prepare << std::string(kItemColumns) +
                              " WHERE victim_id = :vid::uuid AND status IN ('referred', 'engaged') ORDER BY created_at, id",
           soci::use(item.victim_id, "vid"));
      for (const auto& r : items) item.open_service_items.push_back(read_item(r));
      soci::rowset<soci::row> reviews =
          (sql.prepare << std::string(kReviewColumns) +
                              " WHERE victim_id = :vid::uuid AND meeting_date <= :d::date"
                              " ORDER BY meeting_date DESC, created_at DESC LIMIT 1",
           soci::use(item.victim_id, "vid"), soci::use(d, "d"));
      for (const auto& r : reviews) item.last_review = read_review(r);
    }
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Protective orders

Result<ProtectiveOrder> PgVictimStore::add_protective_order(const ProtectiveOrder& order, const AuditEntry& audit,
                                                            const Idempotent<ProtectiveOrder>* idem) {
  if (!is_uuid(order.prosecution_id)) return not_found("prosecution");
  for (const auto& v : order.protected_victim_ids)
    if (!is_uuid(v)) return Error::invalid("protected_victim_ids", "not a victim id: " + v);
  return in_transaction(pool_, [&](soci::session& sql) -> Result<ProtectiveOrder> {
    return idempotent_write(sql, idem, audit.at, [&]() -> Result<ProtectiveOrder> {
      const std::string issued = format_date(order.issued_on), expires = format_date(order.expires_on);
      const std::string actor = is_uuid(audit.actor_id) ? audit.actor_id : std::string();
      const long long us = to_epoch_micros(audit.at);
      std::string id;
      sql << "INSERT INTO protective_orders (prosecution_id, issued_on, expires_on, terms, created_by, created_at)"
             " VALUES (:pid::uuid, :issued::date, :expires::date, :terms, NULLIF(:actor, '')::uuid,"
             " to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text",
          soci::use(order.prosecution_id, "pid"), soci::use(issued, "issued"), soci::use(expires, "expires"),
          soci::use(order.terms, "terms"), soci::use(actor, "actor"), soci::use(us, "us"), soci::into(id);
      for (const auto& v : order.protected_victim_ids) {
        int linked = 0;
        sql << kIsLinkedSql, soci::use(order.prosecution_id, "pid"), soci::use(v, "vid"), soci::into(linked);
        if (!sql.got_data()) return Error::invalid("protected_victim_ids", "not a victim linked to this prosecution: " + v);
        sql << "INSERT INTO protective_order_victims (order_id, victim_id) VALUES (:o::uuid, :v::uuid)"
               " ON CONFLICT DO NOTHING",
            soci::use(id, "o"), soci::use(v, "v");
      }
      append_audit(sql, audit_for(audit, "protective_order", id,
                                  {{"prosecution_id", order.prosecution_id}, {"expires_on", expires}}));
      ProtectiveOrder out = order;
      out.id = id;
      out.created_at = audit.at;
      return out;
    });
  });
}

Result<int> PgVictimStore::sweep_protective_orders(TimePoint now, const std::vector<int>& days_ahead) {
  auto today = CourtCalendar::local_date(now);
  if (!today) return today.error();
  return in_transaction(pool_, [&](soci::session& sql) -> Result<int> {
    const std::string from = format_date(*today);
    const long long us = to_epoch_micros(now);
    int queued = 0;
    for (int lead : days_ahead) {
      const std::string until = format_date(*today + std::chrono::days(lead));
      const std::string prefix = "protective_order_expiring:" + std::to_string(lead) + ":";
      soci::rowset<soci::row> added =
          (sql.prepare << "INSERT INTO notifications (user_id, kind, subject_id, dedupe_key, payload, created_at)"
                          " SELECT DISTINCT v.advocate_id, 'protective_order_expiring', o.id::text,"
                          " CAST(:prefix AS text) || o.id::text,"
                          " json_build_object('prosecution_id', o.prosecution_id, 'expires_on', o.expires_on,"
                          " 'days_ahead', CAST(:lead AS integer))::text,"
                          " to_timestamp(CAST(:us AS double precision) / 1000000)"
                          " FROM protective_orders o JOIN protective_order_victims pv ON pv.order_id = o.id"
                          " JOIN victims v ON v.id = pv.victim_id WHERE v.advocate_id IS NOT NULL"
                          " AND o.expires_on >= :from::date AND o.expires_on <= :until::date"
                          " ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING 1",
           soci::use(prefix, "prefix"), soci::use(lead, "lead"), soci::use(us, "us"), soci::use(from, "from"),
           soci::use(until, "until"));
      for (auto it = added.begin(); it != added.end(); ++it) ++queued;
    }
    return queued;
  });
}

// ---------------------------------------------------------------------------------------
// The redaction check's identity values

Result<std::vector<VictimIdentityValue>> PgSealedVictimIdentitySource::identities_for_case(const std::string& case_id) {
  if (!is_uuid(case_id)) return std::vector<VictimIdentityValue>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  soci::session& sql = **lease;
  try {
    std::vector<VictimIdentityValue> out;
    auto open = [&](const std::string& sealed) {
      auto plain = cipher_.open(sealed);
      if (!plain) throw std::runtime_error("a victim's identity cannot be opened with the configured keys");
      return std::move(*plain);
    };
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT DISTINCT v.id::text, v.legal_name_sealed, v.dob_sealed, v.contact_sealed FROM victims v"
                        " JOIN victim_links l ON l.victim_id = v.id JOIN prosecutions p ON p.id = l.prosecution_id"
                        " WHERE p.case_id = :cid::uuid ORDER BY 1",
         soci::use(case_id, "cid"));
    for (const auto& r : rows) {
      out.push_back({"legal_name", open(r.get<std::string>(1))});
      if (auto dob = text_column(r, 2)) out.push_back({"dob", open(*dob)});
      if (auto contact = text_column(r, 3)) {
        boost::system::error_code ec;
        json::value v = json::parse(open(*contact), ec);
        if (ec || !v.is_object()) continue;
        // {"phone": ..., "address": ..., "email": ...}: phone-like keys are matched as numbers.
        for (const auto& kv : v.as_object()) {
          if (!kv.value().is_string() || kv.value().as_string().empty()) continue;
          const std::string key(kv.key());
          const bool phone = key.find("phone") != std::string::npos || key == "mobile" || key == "cell";
          out.push_back({phone ? "phone" : key, std::string(kv.value().as_string())});
        }
      }
    }
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

// ---------------------------------------------------------------------------------------
// Notifications

Result<std::vector<Notification>> PgNotificationStore::list(const NotificationFilter& f) {
  if (!is_uuid(f.user_id)) return std::vector<Notification>();
  long long after_us = 0;
  std::string after_id;
  if (!f.cursor.empty()) {
    const auto sep = f.cursor.find('_');
    try {
      if (sep == std::string::npos) throw std::invalid_argument("cursor");
      after_us = std::stoll(f.cursor.substr(0, sep));
      after_id = f.cursor.substr(sep + 1);
      if (!is_uuid(after_id)) throw std::invalid_argument("cursor");
    } catch (const std::exception&) {
      return Error::invalid("cursor", "not a cursor from this list");
    }
  }
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    const int unread = f.unread_only ? 1 : 0;
    const int has_cursor = f.cursor.empty() ? 0 : 1;
    std::vector<Notification> out;
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kNotificationColumns) +
                                  " WHERE user_id = :user::uuid AND (CAST(:unread AS integer) = 0 OR read_at IS NULL)"
                                  " AND (CAST(:hc AS integer) = 0 OR (created_at, id) <"
                                  " (to_timestamp(CAST(:after AS double precision) / 1000000), NULLIF(:aid, '')::uuid))"
                                  " ORDER BY created_at DESC, id DESC LIMIT :lim",
         soci::use(f.user_id, "user"), soci::use(unread, "unread"), soci::use(has_cursor, "hc"),
         soci::use(after_us, "after"), soci::use(after_id, "aid"), soci::use(f.limit, "lim"));
    for (const auto& r : rows) out.push_back(read_notification(r));
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::optional<Notification>> PgNotificationStore::get(const std::string& id) {
  if (!is_uuid(id)) return std::optional<Notification>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kNotificationColumns) + " WHERE id = :id::uuid", soci::use(id, "id"));
    for (const auto& r : rows) return std::optional<Notification>(read_notification(r));
    return std::optional<Notification>();
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<Notification> PgNotificationStore::mark_read(const std::string& id, TimePoint now) {
  if (!is_uuid(id)) return not_found("notification");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<Notification> {
    const long long us = to_epoch_micros(now);
    sql << "UPDATE notifications SET read_at = COALESCE(read_at, to_timestamp(CAST(:us AS double precision) / 1000000))"
           " WHERE id = :id::uuid",
        soci::use(us, "us"), soci::use(id, "id");
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kNotificationColumns) + " WHERE id = :id::uuid", soci::use(id, "id"));
    for (const auto& r : rows) return read_notification(r);
    return not_found("notification");
  });
}

Result<DeliveryReport> PgNotificationStore::deliver_pending(TimePoint now,
                                                           const std::vector<NotificationChannel*>& channels,
                                                           int limit) {
  return in_transaction(pool_, [&](soci::session& sql) -> Result<DeliveryReport> {
    DeliveryReport report;
    const long long us = to_epoch_micros(now);
    std::vector<Notification> pending;
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kNotificationColumns) +
                            " WHERE id IN (SELECT id FROM notifications WHERE delivered_at IS NULL ORDER BY created_at"
                            " LIMIT :lim FOR UPDATE SKIP LOCKED) ORDER BY created_at",
         soci::use(limit, "lim"));
    for (const auto& r : rows) pending.push_back(read_notification(r));
    for (const auto& n : pending) {
      bool all = true;
      for (NotificationChannel* channel : channels) {
        const std::string name(channel->name());
        int done = 0;
        sql << "SELECT count(*) FROM notification_deliveries WHERE notification_id = :id::uuid AND channel = :ch"
               " AND delivered_at IS NOT NULL",
            soci::use(n.id, "id"), soci::use(name, "ch"), soci::into(done);
        if (done > 0) continue;
        const Status sent = channel->deliver(n);
        const int ok = sent ? 1 : 0;
        const std::string error = sent ? std::string() : sent.error().message;
        sql << "INSERT INTO notification_deliveries (notification_id, channel, attempts, delivered_at, last_error,"
               " last_attempt_at) VALUES (:id::uuid, :ch, 1, CASE WHEN CAST(:ok AS integer) = 1 THEN"
               " to_timestamp(CAST(:us AS double precision) / 1000000) END, NULLIF(:err, ''),"
               " to_timestamp(CAST(:us2 AS double precision) / 1000000))"
               " ON CONFLICT (notification_id, channel) DO UPDATE SET attempts = notification_deliveries.attempts + 1,"
               " delivered_at = EXCLUDED.delivered_at, last_error = EXCLUDED.last_error,"
               " last_attempt_at = EXCLUDED.last_attempt_at",
            soci::use(n.id, "id"), soci::use(name, "ch"), soci::use(ok, "ok"), soci::use(us, "us"),
            soci::use(error, "err"), soci::use(us, "us2");
        if (!sent) {
          all = false;
          ++report.failed;
        }
      }
      if (!all) continue;
      sql << "UPDATE notifications SET delivered_at = to_timestamp(CAST(:us AS double precision) / 1000000)"
             " WHERE id = :id::uuid",
          soci::use(us, "us"), soci::use(n.id, "id");
      ++report.delivered;
    }
    return report;
  });
}

}  // namespace heat::db
