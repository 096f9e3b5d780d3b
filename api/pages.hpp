// The static files of the browser pages (api/pages/: the sign-in page, the dashboard, their
// scripts and styles, and Chart.js from tools/node_modules), embedded into the binary at build
// time by cmake/embed_pages.cmake, so the server needs no files beside it.
#pragma once

#include <string_view>

namespace heat::api {

struct EmbeddedPage {
  std::string_view name;          // "dashboard.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

// nullptr when there is no such file (Chart.js is absent when npm install has not run).
[[nodiscard]] const EmbeddedPage* embedded_page(std::string_view name);

}  // namespace heat::api
