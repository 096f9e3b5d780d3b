// Idempotency-Key storage shared by every store whose writes accept one (engine/cases.hpp,
// Idempotent<T>): the key is claimed at the start of the write's transaction and the first
// response stored with it before the commit, so a repeat replays it and changes nothing.
#pragma once

#include "engine/cases.hpp"
#include "engine/identity.hpp"

#include <soci/soci.h>

namespace heat::db {

// Reserves the key: a concurrent twin waits on the row for the first to finish and then
// finds the key taken (already_exists, kIdempotencyKeyTaken). nullptr: no key, nothing to do.
template <class T>
Status claim_key(soci::session& sql, const Idempotent<T>* idem, TimePoint now) {
  if (idem == nullptr) return {};
  const std::string at = format_utc_micros(now);
  int got = 0;
  sql << "INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, response_status, response_body,"
         " created_at) VALUES (:user::uuid, :key, :method, :path, :hash, 0, '', CAST(:now AS timestamptz))"
         " ON CONFLICT DO NOTHING RETURNING 1",
      soci::use(idem->user_id, "user"), soci::use(idem->key, "key"), soci::use(idem->method, "method"),
      soci::use(idem->path, "path"), soci::use(idem->request_hash, "hash"), soci::use(at, "now"), soci::into(got);
  if (!sql.got_data() || got != 1) return Error::of(ErrorCode::already_exists, kIdempotencyKeyTaken);
  return {};
}

// Stores the response the key replays from now on (inside the same transaction).
template <class T>
void store_response(soci::session& sql, const Idempotent<T>* idem, const T& value) {
  if (idem == nullptr || !idem->render) return;
  const StoredResponse response = idem->render(value);
  sql << "UPDATE idempotency_keys SET response_status = :status, response_body = :body"
         " WHERE user_id = :user::uuid AND key = :key",
      soci::use(response.status, "status"), soci::use(response.body, "body"), soci::use(idem->user_id, "user"),
      soci::use(idem->key, "key");
}

// Runs `write` (inside the caller's transaction) between claiming the key and storing the
// response: an error returns before anything is stored, and the caller's rollback undoes the
// claim.
template <class T, class Write>
Result<T> idempotent_write(soci::session& sql, const Idempotent<T>* idem, TimePoint now, Write&& write) {
  if (auto s = claim_key(sql, idem, now); !s) return s.error();
  Result<T> out = write();
  if (out) store_response(sql, idem, *out);
  return out;
}

}  // namespace heat::db
