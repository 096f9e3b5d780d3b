// Idempotent POSTs (API.md Conventions): what a write needs to store its first response
// under the caller's Idempotency-Key, in the write's own transaction.
#pragma once

#include <functional>
#include <string>

namespace heat {

// The stored first response to an idempotent POST.
struct StoredResponse {
  int status = 0;
  std::string body;
};

struct IdempotencyRecord {
  std::string method;
  std::string path;
  std::string request_hash;
  StoredResponse response;
};

// Asks a write to store its response under (user_id, key) in the same transaction. When the
// key is already taken (a concurrent request with the same key committed first) the write
// is undone and returns already_exists with message kIdempotencyKeyTaken.
template <class T>
struct Idempotent {
  std::string user_id;
  std::string key;
  std::string method;
  std::string path;
  std::string request_hash;
  std::function<StoredResponse(const T&)> render;
};
inline constexpr const char* kIdempotencyKeyTaken = "idempotency key already used";

}  // namespace heat
