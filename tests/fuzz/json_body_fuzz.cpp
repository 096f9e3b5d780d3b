// libFuzzer target: the JSON request-body decoder every POST/PATCH route goes through
// (api/json_body: media type, well-formed UTF-8 JSON object, no unknown fields) and the shared
// field readers (api/fields), on arbitrary bytes; plus the counts' JSON as the transition log
// stores it (engine charge_from_json_text). Built and run by tools/fuzz with ASan and UBSan.
// Traps on a broken promise: an accepted body that is not an object, a rejected one without a
// reason, a string field longer than its limit.
#include "api/fields.hpp"
#include "api/json_body.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  heat::api::Request request;
  request.method = "POST";
  request.path = "/api/v1/cases";
  request.headers["content-type"] = (size % 2) == 0 ? "application/json" : "Application/JSON; charset=utf-8";
  request.body.assign(reinterpret_cast<const char*>(data), size);

  auto body = heat::api::parse_json_body(request, {"da_number", "title", "unit", "event", "occurred_at", "charges"});
  if (!body) {
    if (body.error().message.empty()) __builtin_trap();
    return 0;
  }
  for (const auto& field : *body) {
    const std::string name(field.key());
    if (name != "da_number" && name != "title" && name != "unit" && name != "event" && name != "occurred_at" &&
        name != "charges")
      __builtin_trap();  // an unknown field got through
  }
  heat::api::FieldErrors errors;
  const std::string title = errors.take(heat::api::required_string(*body, "title", 40));
  const auto unit = errors.take(heat::api::optional_string(*body, "unit", 8));
  if (title.size() > 40 * 4) __builtin_trap();  // 40 code points, at most 4 bytes each
  if (unit && unit->size() > 8 * 4) __builtin_trap();
  if (!errors.ok() && errors.error().fields.empty()) __builtin_trap();
  return 0;
}
