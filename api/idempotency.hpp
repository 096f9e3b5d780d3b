// Idempotency-Key handling around one write (API.md Conventions), shared by every route that
// creates something: a repeat with the same key and body replays the stored first response
// and changes nothing; the same key with another body is 422. The store claims the key inside
// the write's transaction (engine/cases.hpp, Idempotent<T>).
#pragma once

#include "api/app.hpp"
#include "api/auth/crypto.hpp"
#include "api/problem.hpp"

#include <boost/json/value.hpp>

#include <algorithm>
#include <functional>
#include <optional>

namespace heat::api {

// The response to store with a key: `status` and the JSON body.
[[nodiscard]] StoredResponse stored(int status, const boost::json::value& body);

// A stored (or fresh) response; JSON bodies with a "version" get it as their ETag.
[[nodiscard]] Response from_stored(const StoredResponse& stored);

// `write` gets the key's record (or nullptr) and returns Result<T>; `render` turns the value
// into the response that is stored with the key.
template <class T, class Write, class OnError>
Response idempotent(AppServices& s, const auth::Caller& c, const Request& r,
                    std::function<StoredResponse(const T&)> render, Write&& write, OnError&& on_error) {
  const std::string* key = r.header("idempotency-key");
  std::optional<Idempotent<T>> idem;
  auto replay = [&]() -> std::optional<Response> {
    auto found = s.cases->find_idempotent(c.user.id, *key);
    if (!found) return problem(found.error());
    if (!*found) return std::nullopt;
    const IdempotencyRecord& rec = **found;
    if (rec.method != r.method || rec.path != r.path || rec.request_hash != idem->request_hash)
      return problem(Error::of(ErrorCode::domain_rule, "Idempotency-Key was already used for a different request"));
    Response out = from_stored(rec.response);
    out.with_header("Idempotent-Replayed", "true");
    return out;
  };
  if (key != nullptr) {
    if (key->empty() || key->size() > 200 ||
        !std::all_of(key->begin(), key->end(), [](unsigned char ch) { return ch > 0x20 && ch < 0x7f; }))
      return problem(Error::invalid("Idempotency-Key", "must be 1 to 200 visible ASCII characters"));
    idem = Idempotent<T>{c.user.id, *key, r.method, r.path, auth::sha256_hex(r.body), render};
    if (auto again = replay()) return *again;
  }
  Result<T> result = write(idem ? &*idem : nullptr);
  if (!result) {
    // A twin request with the same key may have committed first (it held the row lock).
    if (idem)
      if (auto again = replay()) return *again;
    return on_error(result.error());
  }
  return from_stored(render(*result));
}

}  // namespace heat::api
