#include "db/calendar_subscription_store.hpp"

#include "db/audit_log.hpp"
#include "db/errors.hpp"
#include "db/identity_store.hpp"
#include "engine/cases.hpp"

#include <soci/soci.h>

namespace heat::db {
namespace {

constexpr const char* kSubscriptionColumns =
    "SELECT id::text, user_id::text, (extract(epoch FROM created_at) * 1000000)::bigint,"
    " (extract(epoch FROM revoked_at) * 1000000)::bigint FROM calendar_subscriptions";

CalendarSubscription read_subscription(const soci::row& r) {
  CalendarSubscription s;
  s.id = r.get<std::string>(0);
  s.user_id = r.get<std::string>(1);
  s.created_at = from_epoch_micros(r.get<long long>(2));
  if (r.get_indicator(3) == soci::i_ok) s.revoked_at = from_epoch_micros(r.get<long long>(3));
  return s;
}

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Error not_found() { return Error::of(ErrorCode::not_found, "no such calendar subscription"); }

}  // namespace

Result<CalendarSubscription> PgCalendarSubscriptionStore::create(const std::string& user_id,
                                                                 const std::string& token_sha256_hex, TimePoint now,
                                                                 AuditEntry audit) {
  if (!is_uuid(user_id)) return Error::invalid("user_id", "not a user id");
  if (!is_sha256_hex(token_sha256_hex)) return Error::invalid("token", "not a SHA-256 in hex");
  return in_transaction(pool_, [&](soci::session& sql) -> Result<CalendarSubscription> {
    const long long us = to_epoch_micros(now);
    std::string id;
    sql << "INSERT INTO calendar_subscriptions (user_id, token_sha256, created_at)"
           " VALUES (:user::uuid, :hash, to_timestamp(CAST(:us AS double precision) / 1000000)) RETURNING id::text",
        soci::use(user_id, "user"), soci::use(token_sha256_hex, "hash"), soci::use(us, "us"), soci::into(id);
    audit.entity = "calendar_subscription";
    audit.entity_id = id;
    append_audit(sql, audit);
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kSubscriptionColumns) + " WHERE id = :id::uuid", soci::use(id, "id"));
    for (const auto& r : rows) return read_subscription(r);
    return Error::of(ErrorCode::internal, "the new subscription is gone");
  });
}

Result<std::optional<CalendarSubscription>> PgCalendarSubscriptionStore::get(const std::string& id) {
  if (!is_uuid(id)) return std::optional<CalendarSubscription>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::rowset<soci::row> rows =
        ((**lease).prepare << std::string(kSubscriptionColumns) + " WHERE id = :id::uuid", soci::use(id, "id"));
    for (const auto& r : rows) return std::optional<CalendarSubscription>(read_subscription(r));
    return std::optional<CalendarSubscription>();
  } catch (...) {
    return current_exception_to_error();
  }
}

Status PgCalendarSubscriptionStore::revoke(const std::string& id, TimePoint now, AuditEntry audit) {
  if (!is_uuid(id)) return not_found();
  return in_transaction(pool_, [&](soci::session& sql) -> Status {
    const long long us = to_epoch_micros(now);
    soci::indicator found = soci::i_null;
    int one = 0;
    sql << "UPDATE calendar_subscriptions"
           " SET revoked_at = COALESCE(revoked_at, to_timestamp(CAST(:us AS double precision) / 1000000))"
           " WHERE id = :id::uuid RETURNING 1",
        soci::use(us, "us"), soci::use(id, "id"), soci::into(one, found);
    if (found != soci::i_ok) return not_found();
    audit.entity = "calendar_subscription";
    audit.entity_id = id;
    append_audit(sql, audit);
    return {};
  });
}

Result<std::optional<CalendarSubscriber>> PgCalendarSubscriptionStore::find_active(const std::string& token_sha256_hex) {
  if (!is_sha256_hex(token_sha256_hex)) return std::optional<CalendarSubscriber>();
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    soci::rowset<soci::row> rows =
        ((**lease).prepare << "SELECT s.id::text, u.id::text, u.role, u.unit, u.agency_id"
                              " FROM calendar_subscriptions s JOIN users u ON u.id = s.user_id"
                              " WHERE s.token_sha256 = :hash AND s.revoked_at IS NULL AND u.active",
         soci::use(token_sha256_hex, "hash"));
    for (const auto& r : rows) {
      auto role = parse_role(r.get<std::string>(2));
      if (!role) return std::optional<CalendarSubscriber>();
      CalendarSubscriber s;
      s.subscription_id = r.get<std::string>(0);
      s.owner = Principal{r.get<std::string>(1), *role, r.get<std::string>(3), r.get<std::string>(4)};
      return std::optional<CalendarSubscriber>(std::move(s));
    }
    return std::optional<CalendarSubscriber>();
  } catch (...) {
    return current_exception_to_error();
  }
}

Result<std::vector<CalendarHearing>> PgCalendarSubscriptionStore::hearings_for(const Principal& owner,
                                                                               CalendarScope scope, TimePoint now,
                                                                               int limit) {
  std::vector<CalendarHearing> out;
  if (scope == CalendarScope::none || !is_uuid(owner.user_id)) return out;
  auto lease = pool_.acquire();
  if (!lease) return lease.error();
  try {
    const long long from_us =
        to_epoch_micros(now) - std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::days{366}).count();
    const long long cut_us =
        to_epoch_micros(now) -
        std::chrono::duration_cast<std::chrono::microseconds>(kCancelledHearingRetention).count();
    const std::string user = owner.user_id;
    const std::string user2 = owner.user_id;
    const std::string unit = owner.unit;
    // Who may see the case (a DDA's own cases; a supervisor's unit; an advocate's victims').
    const std::string team =
        "(c.lead_dda_id = :user::uuid OR EXISTS (SELECT 1 FROM case_assignments a"
        " WHERE a.case_id = c.id AND a.user_id = :user2::uuid))";
    std::string where;
    switch (scope) {
      case CalendarScope::my_cases: where = team; break;
      case CalendarScope::unit_cases: where = "(c.unit = :unit OR " + team + ")"; break;
      case CalendarScope::advocate_victims:
        where = "EXISTS (SELECT 1 FROM prosecutions p JOIN victim_links vl ON vl.prosecution_id = p.id"
                " JOIN victims v ON v.id = vl.victim_id WHERE p.case_id = c.id AND v.advocate_id = :user::uuid)";
        break;
      case CalendarScope::none: return out;
    }
    const std::string sql_text =
        "SELECT e.id::text, e.kind, e.status, e.department, c.da_number,"
        " COALESCE(NULLIF(e.docket, ''), (SELECT min(d.docket) FROM case_dockets d WHERE d.case_id = c.id), ''),"
        " (extract(epoch FROM e.starts_at) * 1000000)::bigint, (extract(epoch FROM e.ends_at) * 1000000)::bigint,"
        " CASE WHEN e.all_day THEN 1 ELSE 0 END, e.sequence, (extract(epoch FROM e.updated_at) * 1000000)::bigint,"
        " (extract(epoch FROM e.cancelled_at) * 1000000)::bigint"
        " FROM court_events e JOIN cases c ON c.id = e.case_id WHERE " +
        where +
        " AND e.starts_at >= to_timestamp(CAST(:from_us AS double precision) / 1000000)"
        " AND (e.cancelled_at IS NULL OR e.cancelled_at >= to_timestamp(CAST(:cut_us AS double precision) / 1000000))"
        " ORDER BY e.starts_at, e.id LIMIT :lim";
    const auto read = [&out](soci::rowset<soci::row>& rows) {
      for (const auto& r : rows) {
        CalendarHearing h;
        h.id = r.get<std::string>(0);
        h.kind = r.get<std::string>(1);
        h.status = r.get<std::string>(2);
        h.department = r.get<std::string>(3);
        h.da_number = r.get<std::string>(4);
        h.docket = r.get<std::string>(5);
        h.starts_at = from_epoch_micros(r.get<long long>(6));
        if (r.get_indicator(7) == soci::i_ok) h.ends_at = from_epoch_micros(r.get<long long>(7));
        h.all_day = r.get<int>(8) != 0;
        h.sequence = r.get<int>(9);
        h.updated_at = from_epoch_micros(r.get<long long>(10));
        if (r.get_indicator(11) == soci::i_ok) h.cancelled_at = from_epoch_micros(r.get<long long>(11));
        out.push_back(std::move(h));
      }
    };
    soci::session& sql = **lease;
    if (scope == CalendarScope::advocate_victims) {
      soci::rowset<soci::row> rows = (sql.prepare << sql_text, soci::use(user, "user"), soci::use(from_us, "from_us"),
                                      soci::use(cut_us, "cut_us"), soci::use(limit, "lim"));
      read(rows);
    } else if (scope == CalendarScope::my_cases) {
      soci::rowset<soci::row> rows = (sql.prepare << sql_text, soci::use(user, "user"), soci::use(user2, "user2"),
                                      soci::use(from_us, "from_us"), soci::use(cut_us, "cut_us"),
                                      soci::use(limit, "lim"));
      read(rows);
    } else {
      soci::rowset<soci::row> rows = (sql.prepare << sql_text, soci::use(unit, "unit"), soci::use(user, "user"),
                                      soci::use(user2, "user2"), soci::use(from_us, "from_us"),
                                      soci::use(cut_us, "cut_us"), soci::use(limit, "lim"));
      read(rows);
    }
    return out;
  } catch (...) {
    return current_exception_to_error();
  }
}

}  // namespace heat::db
