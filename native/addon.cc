// The JavaScript face of the addon. Node-API only, so one build serves every
// Node version; C++ exceptions are off, errors go to JavaScript as values.
#include <napi.h>

#include <cstring>

#include "errno_name.h"
#include "fd_describe.h"
#include "fd_ops.h"
#include "handoff_exec.h"

namespace {

Napi::Value ThrowSystemError(Napi::Env env, int error, const char* syscall, const std::string& path) {
  std::string message = std::string(nodego::ErrnoName(error)) + ": " + strerror(error) + ", " + syscall;
  if (!path.empty()) message += " '" + path + "'";
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, nodego::ErrnoName(error)));
  err.Set("errno", Napi::Number::New(env, -error));  // negative, as Node's own errors
  err.Set("syscall", Napi::String::New(env, syscall));
  if (!path.empty()) err.Set("path", Napi::String::New(env, path));
  err.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool ReadInt(const Napi::Value& value, int* out) {
  if (!value.IsNumber()) return false;
  const double d = value.As<Napi::Number>().DoubleValue();
  if (d < 0 || d > 0x7fffffff || static_cast<int>(d) != d) return false;
  *out = static_cast<int>(d);
  return true;
}

bool ReadIntArray(const Napi::Value& value, std::vector<int>* out) {
  if (!value.IsArray()) return false;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    int fd;
    if (!ReadInt(array.Get(i), &fd)) return false;
    out->push_back(fd);
  }
  return true;
}

// Strings with a NUL byte would be cut short by execve; refuse them.
bool ReadStringArray(const Napi::Value& value, std::vector<std::string>* out) {
  if (!value.IsArray()) return false;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) return false;
    std::string s = item.As<Napi::String>().Utf8Value();
    if (s.find('\0') != std::string::npos) return false;
    out->push_back(std::move(s));
  }
  return true;
}

Napi::Object ToObject(Napi::Env env, const nodego::FdDescription& d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("fd", d.fd);
  o.Set("kind", d.kind);
  o.Set("cloexec", d.cloexec);
  o.Set("nonblock", d.nonblock);
  if (d.kind == "socket") {
    o.Set("listening", d.listening);
    o.Set("family", d.family);
    o.Set("type", d.sockType);
    o.Set("local", d.local);
    o.Set("peer", d.peer);
  }
  return o;
}

Napi::Value DescribeFd(const Napi::CallbackInfo& info) {
  int fd;
  if (!ReadInt(info[0], &fd)) return ThrowType(info.Env(), "describeFd(fd): fd must be a non-negative integer");
  nodego::FdDescription d;
  if (!nodego::DescribeFd(fd, &d)) return info.Env().Null();
  return ToObject(info.Env(), d);
}

Napi::Value DescribeFds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (int fd : nodego::ListOpenFds()) {
    nodego::FdDescription d;
    if (nodego::DescribeFd(fd, &d)) out.Set(i++, ToObject(env, d));
  }
  return out;
}

Napi::Value DupAbove(const Napi::CallbackInfo& info) {
  int fd, minFd;
  if (!ReadInt(info[0], &fd) || !ReadInt(info[1], &minFd)) {
    return ThrowType(info.Env(), "dupAbove(fd, minFd): both must be non-negative integers");
  }
  const int copy = nodego::DupAbove(fd, minFd);
  if (copy < 0) return ThrowSystemError(info.Env(), errno, "fcntl", "");
  return Napi::Number::New(info.Env(), copy);
}

Napi::Value CreateMemfd(const Napi::CallbackInfo& info) {
  int minFd;
  if (!info[0].IsString() || !info[1].IsTypedArray() || !ReadInt(info[2], &minFd)) {
    return ThrowType(info.Env(), "createMemfd(name, bytes, minFd): string, Uint8Array, integer");
  }
  std::string name = info[0].As<Napi::String>().Utf8Value();
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  const int fd = nodego::MemfdWithData(name.c_str(), bytes.Data(), bytes.ByteLength(), minFd);
  if (fd < 0) return ThrowSystemError(info.Env(), errno, "memfd_create", "");
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value OnMainThread(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), nodego::OnMainThread());
}

// execHandoff({ path, argv, env, listeners, inherit }): never returns on
// success; on failure every change is undone and a system error is thrown.
Napi::Value ExecHandoff(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!nodego::OnMainThread()) {
    Napi::Error err = Napi::Error::New(env, "nodego can only hand off from the main thread, not from a worker thread");
    err.Set("code", Napi::String::New(env, "NODEGO_E_THREAD"));
    err.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!info[0].IsObject()) return ThrowType(env, "execHandoff(request): request must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  nodego::ExecRequest request;
  if (!o.Get("path").IsString()) return ThrowType(env, "execHandoff: path must be a string");
  request.path = o.Get("path").As<Napi::String>().Utf8Value();
  if (request.path.empty() || request.path.find('\0') != std::string::npos) {
    return ThrowType(env, "execHandoff: path must be a non-empty string without NUL bytes");
  }
  if (!ReadStringArray(o.Get("argv"), &request.argv) || request.argv.empty()) {
    return ThrowType(env, "execHandoff: argv must be a non-empty array of strings without NUL bytes");
  }
  if (!ReadStringArray(o.Get("env"), &request.env)) {
    return ThrowType(env, "execHandoff: env must be an array of KEY=value strings without NUL bytes");
  }
  if (!ReadIntArray(o.Get("listeners"), &request.listeners)) {
    return ThrowType(env, "execHandoff: listeners must be an array of fds");
  }
  if (!ReadIntArray(o.Get("inherit"), &request.inherit)) {
    return ThrowType(env, "execHandoff: inherit must be an array of fds");
  }
  nodego::ExecFailure failure = nodego::HandOffAndExec(request);
  return ThrowSystemError(env, failure.error, failure.syscall, request.path);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("describeFd", Napi::Function::New(env, DescribeFd, "describeFd"));
  exports.Set("describeFds", Napi::Function::New(env, DescribeFds, "describeFds"));
  exports.Set("dupAbove", Napi::Function::New(env, DupAbove, "dupAbove"));
  exports.Set("createMemfd", Napi::Function::New(env, CreateMemfd, "createMemfd"));
  exports.Set("onMainThread", Napi::Function::New(env, OnMainThread, "onMainThread"));
  exports.Set("execHandoff", Napi::Function::New(env, ExecHandoff, "execHandoff"));
  return exports;
}

}  // namespace

NODE_API_MODULE(nodego, Init)
