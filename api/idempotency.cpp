#include "api/idempotency.hpp"

#include <boost/json.hpp>

namespace heat::api {

StoredResponse stored(int status, const boost::json::value& body) { return {status, boost::json::serialize(body)}; }

Response from_stored(const StoredResponse& stored) {
  Response r{stored.status, "application/json", stored.body, {}};
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(stored.body, ec);
  if (!ec && v.is_object())
    if (auto* version = v.as_object().if_contains("version"); version && version->is_int64())
      r.with_header("ETag", "\"" + std::to_string(version->as_int64()) + "\"");
  return r;
}

}  // namespace heat::api
