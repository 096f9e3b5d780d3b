// The one translation unit that compiles Boost.Beast and Boost.Asio (separate compilation,
// see CMakeLists.txt), so other files include only their declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
