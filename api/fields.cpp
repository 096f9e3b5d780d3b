#include "api/fields.hpp"

namespace heat::api {
namespace {

// Code points of valid UTF-8 (Boost.JSON has validated the bytes already).
std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool has_control_characters(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 && c != '\n' && c != '\t') return true;
  return false;
}

}  // namespace

Result<std::optional<std::string>> optional_string(const boost::json::object& body, std::string_view name,
                                                   std::size_t max_length) {
  auto it = body.find(name);
  if (it == body.end() || it->value().is_null()) return std::optional<std::string>();
  if (!it->value().is_string()) return Error::invalid(std::string(name), "must be a string");
  std::string value(it->value().as_string());
  if (code_points(value) > max_length)
    return Error::invalid(std::string(name), "must be at most " + std::to_string(max_length) + " characters");
  if (has_control_characters(value)) return Error::invalid(std::string(name), "must not contain control characters");
  return std::optional<std::string>(std::move(value));
}

Result<std::string> required_string(const boost::json::object& body, std::string_view name, std::size_t max_length,
                                    std::size_t min_length) {
  auto value = optional_string(body, name, max_length);
  if (!value) return value.error();
  if (!*value) return Error::invalid(std::string(name), "is required");
  if (code_points(**value) < min_length)
    return Error::invalid(std::string(name), min_length == 1 ? "must not be empty"
                                                             : "must be at least " + std::to_string(min_length) +
                                                                   " characters");
  return std::move(**value);
}

}  // namespace heat::api
