// The JavaScript face of the addon. Node-API only, so one build serves every
// Node version; C++ exceptions are off, errors go to JavaScript as
// NodegoErrors (the class the loader registers with setErrorClass).
#include <napi.h>

#include <cstring>

#include "errno_name.h"
#include "exec_fix.h"
#include "executable_facts.h"
#include "fd_ops.h"
#include "handoff_exec.h"

namespace {

// The JavaScript error class (NodegoError) set by setErrorClass, so that the
// loader receives its own errors and needs no remapping.
struct AddonData {
  Napi::FunctionReference errorClass;
};

// Throws NodegoError(code, problem, fix, { path }) with errno and syscall
// set as on Node's own system errors (errno negative); error 0: no errno.
Napi::Value ThrowNodego(Napi::Env env, const char* code, const std::string& problem, const std::string& fix, int error,
                        const char* syscall, const std::string& path) {
  AddonData* data = env.GetInstanceData<AddonData>();
  Napi::Object err;
  if (data != nullptr && !data->errorClass.IsEmpty()) {
    Napi::Object extra = Napi::Object::New(env);
    if (!path.empty()) extra.Set("path", path);
    Napi::Value made = data->errorClass.New(
        {Napi::String::New(env, code), Napi::String::New(env, problem), Napi::String::New(env, fix), extra});
    if (env.IsExceptionPending()) return env.Undefined();
    err = made.As<Napi::Object>();
  } else {
    err = Napi::Error::New(env, "nodego: " + problem + ": " + fix).Value();
    err.Set("code", Napi::String::New(env, code));
  }
  if (error != 0) {
    err.Set("errno", Napi::Number::New(env, -error));
    err.Set("syscall", Napi::String::New(env, syscall));
  }
  Napi::Error(env, err).ThrowAsJavaScriptException();
  return env.Undefined();
}

// A system call that prepares the hand-off failed: nothing was changed.
Napi::Value ThrowPrepareFailure(Napi::Env env, int error, const char* syscall) {
  return ThrowNodego(env, "NODEGO_E_EXEC",
                     std::string("preparing the hand-off failed: ") + syscall + " gave " + nodego::ErrnoName(error) +
                         " (" + strerror(error) + "); Node keeps serving",
                     nodego::ExecFix(error), error, syscall, "");
}

Napi::Value ThrowNotMainThread(Napi::Env env) {
  return ThrowNodego(env, "NODEGO_E_THREAD", "a swap was asked for from a worker thread", "call nodego from the main thread", 0, "",
                     "");
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

Napi::Value IsNonBlocking(const Napi::CallbackInfo& info) {
  int fd;
  if (!ReadInt(info[0], &fd)) return ThrowType(info.Env(), "isNonBlocking(fd): fd must be a non-negative integer");
  const int state = nodego::IsNonBlocking(fd);
  if (state < 0) return info.Env().Null();
  return Napi::Boolean::New(info.Env(), state == 1);
}

Napi::Value OpenFds(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<int> fds = nodego::ListOpenFds();
  Napi::Array out = Napi::Array::New(env, fds.size());
  for (uint32_t i = 0; i < fds.size(); i++) out.Set(i, Napi::Number::New(env, fds[i]));
  return out;
}

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) return ThrowType(env, "setErrorClass(ctor): ctor must be a class");
  AddonData* data = env.GetInstanceData<AddonData>();
  data->errorClass = Napi::Persistent(info[0].As<Napi::Function>());
  return env.Undefined();
}

Napi::Value DupAbove(const Napi::CallbackInfo& info) {
  int fd, minFd;
  if (!ReadInt(info[0], &fd) || !ReadInt(info[1], &minFd)) {
    return ThrowType(info.Env(), "dupAbove(fd, minFd): both must be non-negative integers");
  }
  const int copy = nodego::DupAbove(fd, minFd);
  if (copy < 0) return ThrowPrepareFailure(info.Env(), errno, "fcntl");
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
  if (fd < 0) return ThrowPrepareFailure(info.Env(), errno, "memfd_create");
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value OnMainThread(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), nodego::OnMainThread());
}

// execHandoff({ path, argv, env, listeners, inherit }): never returns on
// success; on failure every change is undone and NODEGO_E_EXEC is thrown.
Napi::Value ExecHandoff(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!nodego::OnMainThread()) return ThrowNotMainThread(env);
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
  request.releaseMemory = o.Get("releaseMemory").ToBoolean();
  nodego::ExecFailure failure = nodego::HandOffAndExec(request);
  return ThrowNodego(env, "NODEGO_E_EXEC",
                     "execve of " + request.path + " failed with " + nodego::ErrnoName(failure.error) + "; Node keeps serving",
                     nodego::ExecFix(failure.error), failure.error, failure.syscall, request.path);
}

// executableFacts(path): { machine, interpreter?, goVersion?, modules? } of a
// well-formed executable ELF file, or null (src/binary.ts says what is wrong).
Napi::Value ExecutableFacts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) return ThrowType(env, "executableFacts(path): path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  if (path.find('\0') != std::string::npos) return env.Null();
  const std::optional<nodego::ExecutableFacts> facts = nodego::ReadExecutableFacts(path);
  if (!facts) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("machine", Napi::Number::New(env, facts->machine));
  if (!facts->interpreter.empty()) out.Set("interpreter", Napi::String::New(env, facts->interpreter));
  if (facts->isGo) {
    out.Set("goVersion", Napi::String::New(env, facts->goVersion));
    Napi::Array modules = Napi::Array::New(env, facts->modules.size());
    for (size_t i = 0; i < facts->modules.size(); i++) modules.Set(static_cast<uint32_t>(i), Napi::String::New(env, facts->modules[i]));
    out.Set("modules", modules);
  }
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  exports.Set("isNonBlocking", Napi::Function::New(env, IsNonBlocking, "isNonBlocking"));
  exports.Set("openFds", Napi::Function::New(env, OpenFds, "openFds"));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("dupAbove", Napi::Function::New(env, DupAbove, "dupAbove"));
  exports.Set("createMemfd", Napi::Function::New(env, CreateMemfd, "createMemfd"));
  exports.Set("onMainThread", Napi::Function::New(env, OnMainThread, "onMainThread"));
  exports.Set("executableFacts", Napi::Function::New(env, ExecutableFacts, "executableFacts"));
  exports.Set("execHandoff", Napi::Function::New(env, ExecHandoff, "execHandoff"));
  return exports;
}

}  // namespace

NODE_API_MODULE(nodego, Init)
