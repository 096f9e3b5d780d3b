#include "db/reseal.hpp"

#include "db/audit_log.hpp"
#include "db/errors.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>

#include <array>

namespace heat::db {
namespace {

constexpr std::array<const char*, 4> kSealedColumns = {"legal_name_sealed", "dob_sealed", "contact_sealed",
                                                       "safety_notes_sealed"};

// Victims with a value that does not name the current key (:p is "v1:<current id>:%").
constexpr const char* kStaleWhere =
    " WHERE legal_name_sealed NOT LIKE :p1 OR dob_sealed NOT LIKE :p2 OR contact_sealed NOT LIKE :p3"
    " OR safety_notes_sealed NOT LIKE :p4";

}  // namespace

Result<ResealReport> reseal_victim_identities(Pool& pool, const FieldCipher& cipher, int batch,
                                              const AuditEntry& audit,
                                              const std::function<void(int, int)>& progress) {
  const std::string current = "v1:" + cipher.current_key_id() + ":";
  const std::string pattern = current + "%";
  int total = 0;
  {
    auto lease = pool.acquire();
    if (!lease) return lease.error();
    try {
      **lease << std::string("SELECT count(*) FROM victims") + kStaleWhere, soci::use(pattern, "p1"),
          soci::use(pattern, "p2"), soci::use(pattern, "p3"), soci::use(pattern, "p4"), soci::into(total);
    } catch (...) {
      return current_exception_to_error();
    }
  }
  ResealReport report;
  for (;;) {
    auto done = in_transaction(pool, [&](soci::session& sql) -> Result<ResealReport> {
      ResealReport step;
      struct Row {
        std::string id;
        std::array<std::optional<std::string>, 4> values;
      };
      std::vector<Row> rows;
      soci::rowset<soci::row> found =
          (sql.prepare << std::string("SELECT id::text, legal_name_sealed, dob_sealed, contact_sealed,"
                                      " safety_notes_sealed FROM victims") +
                              kStaleWhere + " ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED",
           soci::use(pattern, "p1"), soci::use(pattern, "p2"), soci::use(pattern, "p3"), soci::use(pattern, "p4"),
           soci::use(batch, "n"));
      for (const auto& r : found) {
        Row row;
        row.id = r.get<std::string>(0);
        for (std::size_t i = 0; i < 4; ++i)
          if (r.get_indicator(i + 1) == soci::i_ok) row.values[i] = r.get<std::string>(i + 1);
        rows.push_back(std::move(row));
      }
      for (auto& row : rows) {
        for (std::size_t i = 0; i < 4; ++i) {
          auto& value = row.values[i];
          if (!value || value->rfind(current, 0) == 0) continue;
          auto plain = cipher.open(*value);
          if (!plain) return plain.error();
          auto sealed = cipher.seal(*plain);
          if (!sealed) return sealed.error();
          const std::string sql_text =
              std::string("UPDATE victims SET ") + kSealedColumns[i] + " = :v WHERE id = :id::uuid";
          sql << sql_text, soci::use(*sealed, "v"), soci::use(row.id, "id");
          ++step.values;
        }
        ++step.victims;
      }
      if (step.victims > 0) {
        AuditEntry a = audit;
        a.entity = "victim";
        a.entity_id = "";
        a.details = boost::json::serialize(boost::json::object{
            {"resealed_victims", step.victims}, {"resealed_values", step.values}, {"key_id", cipher.current_key_id()}});
        append_audit(sql, a);
      }
      return step;
    });
    if (!done) return done.error();
    if (done->victims == 0) break;
    report.victims += done->victims;
    report.values += done->values;
    if (progress) progress(report.victims, total);
  }
  return report;
}

Result<int> reseal_totp_secrets(Pool& pool, const FieldCipher& cipher, const AuditEntry& audit) {
  const std::string pattern = "v1:" + cipher.current_key_id() + ":%";
  return in_transaction(pool, [&](soci::session& sql) -> Result<int> {
    std::vector<std::pair<std::string, std::string>> stale;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT id::text, totp_secret FROM users WHERE totp_secret IS NOT NULL"
                                                   " AND totp_secret NOT LIKE :p ORDER BY id FOR UPDATE",
                                    soci::use(pattern, "p"));
    for (const auto& r : rows) stale.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
    for (const auto& [id, stored] : stale) {
      std::string plain = stored;
      if (stored.rfind("v1:", 0) == 0) {
        auto opened = cipher.open(stored);
        if (!opened) return opened.error();
        plain = std::move(*opened);
      }
      auto sealed = cipher.seal(plain);
      if (!sealed) return sealed.error();
      sql << "UPDATE users SET totp_secret = :s WHERE id = :id::uuid", soci::use(*sealed, "s"), soci::use(id, "id");
    }
    if (!stale.empty()) {
      AuditEntry a = audit;
      a.action = "user.totp_reseal";
      a.entity = "user";
      a.details = boost::json::serialize(
          boost::json::object{{"resealed_secrets", static_cast<int>(stale.size())}, {"key_id", cipher.current_key_id()}});
      append_audit(sql, a);
    }
    return static_cast<int>(stale.size());
  });
}

}  // namespace heat::db
