// Typed access to decoded JSON request fields, with the validation every route shares:
// type, presence, length in code points. Errors name the field (RFC 9457 `errors`).
#pragma once

#include "engine/result.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace heat::api {

[[nodiscard]] Result<std::string> required_string(const boost::json::object& body, std::string_view name,
                                                  std::size_t max_length = 200, std::size_t min_length = 1);
[[nodiscard]] Result<std::optional<std::string>> optional_string(const boost::json::object& body,
                                                                 std::string_view name, std::size_t max_length = 200);

// Collects the first error of several field reads so a response lists them all.
class FieldErrors {
 public:
  template <class T>
  T take(Result<T> r) {
    if (r) return std::move(*r);
    for (auto& f : r.error().fields) error_.fields.push_back(f);
    if (r.error().fields.empty()) error_.fields.push_back({"", r.error().message});
    return T{};
  }
  [[nodiscard]] bool ok() const { return error_.fields.empty(); }
  [[nodiscard]] const Error& error() const { return error_; }

 private:
  Error error_{ErrorCode::invalid_argument, "invalid input", {}, {}};
};

}  // namespace heat::api
