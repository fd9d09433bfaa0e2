#!/usr/bin/env python3
"""Tests for Petrel's Python and Node.js runtime bootstraps (standard library only).

Each test starts a fake AWS Lambda Runtime API on 127.0.0.1 (a free port), writes a handler into a temporary
task root, launches the bootstrap as Petrel does (`python3 bootstrap.py` / `node bootstrap.mjs`, working
directory = task root, Lambda environment variables), feeds it events through a long-polled /next and checks
what it posts to /response, /error and /init/error. Whenever a post arrives, the fake API first reads all the
bootstrap has written to stdout and stderr so far, so tests can check that output precedes the result.

Run: python3 sharding/src/test/python/test_bootstraps.py   (Node tests are skipped when node is not on PATH)
"""
import http.server
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIMES = os.path.join(HERE, "..", "..", "main", "resources", "io", "petrel", "sharding", "runtimes")
PYTHON_BOOTSTRAP = os.path.abspath(os.path.join(RUNTIMES, "python", "bootstrap.py"))
NODE_BOOTSTRAP = os.path.abspath(os.path.join(RUNTIMES, "nodejs", "bootstrap.mjs"))
NODE = shutil.which("node")
PREFIX = "/2018-06-01/runtime"
ARN = "arn:aws:lambda:us-east-1:000000000000:function:echo-fn"
WAIT = 20  # seconds to wait for a post or an exit before failing


class Post:
    """One request the bootstrap posted, with the process output read when it arrived."""

    def __init__(self, kind, request_id, headers, body, output):
        self.kind, self.request_id, self.headers, self.body = kind, request_id, headers, body
        self.stdout, self.stderr = output

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "Post(%s, %s, %r, stderr=%r)" % (self.kind, self.request_id, self.body[:500], self.stderr[-2000:])


class FakeRuntimeApi:
    """The Runtime API: /next blocks until a test queues an event; posts are recorded in order."""

    def __init__(self):
        self.events = queue.Queue()
        self.posts = queue.Queue()
        self.connections = set()
        self.read_output = lambda: ("", "")
        self.stopping = threading.Event()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive
            disable_nagle_algorithm = True  # headers and body are written separately

            def log_message(self, *args):
                pass

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                api.connections.add(self.client_address)
                if self.path != PREFIX + "/invocation/next":
                    return self.reply(404, b'{"errorMessage":"not found"}')
                while True:
                    try:
                        request_id, body, headers = api.events.get(timeout=0.05)
                        break
                    except queue.Empty:
                        if api.stopping.is_set():
                            return self.reply(500, b'{"errorMessage":"stopping"}')
                self.reply(200, body, [("Lambda-Runtime-Aws-Request-Id", request_id)] + list(headers.items()))

            def do_POST(self):
                api.connections.add(self.client_address)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                output = api.read_output()  # what the process wrote before this post arrived
                parts = self.path[len(PREFIX):].strip("/").split("/")
                if parts == ["init", "error"]:
                    kind, request_id = "init-error", None
                elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                    kind, request_id = parts[2], parts[1]
                else:
                    return self.reply(404, b'{"errorMessage":"not found"}')
                api.posts.put(Post(kind, request_id, dict(self.headers), body.decode("utf-8"), output))
                self.reply(202, b'{"status":"OK"}')

            def handle(self):
                try:
                    super().handle()
                except ConnectionError:  # the bootstrap was killed while holding a connection
                    pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.server.server_address[1]

    def queue_event(self, body, request_id=None, **headers):
        request_id = request_id or str(uuid.uuid4())
        defaults = {"Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 60000),
                    "Lambda-Runtime-Invoked-Function-Arn": ARN,
                    "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000001;Sampled=0"}
        defaults.update({name.replace("_", "-"): value for name, value in headers.items()})
        self.events.put((request_id, body, defaults))
        return request_id

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


class Runtime:
    """A bootstrap process, its stdout and stderr read without blocking."""

    def __init__(self, command, task_root, handler, api_address, extra_env=None):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "TZ": ":UTC",
               "AWS_LAMBDA_RUNTIME_API": api_address, "_HANDLER": handler, "LAMBDA_TASK_ROOT": task_root,
               "LAMBDA_RUNTIME_DIR": os.path.dirname(command[-1]),
               "AWS_LAMBDA_FUNCTION_NAME": "echo-fn", "AWS_LAMBDA_FUNCTION_VERSION": "7",
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/echo-fn",
               "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[7]abc", "AWS_REGION": "us-east-1",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_EXECUTION_ENV": "AWS_Lambda_petrel"}
        env.update(extra_env or {})
        self.proc = subprocess.Popen(command, cwd=task_root, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffers = {self.proc.stdout: bytearray(), self.proc.stderr: bytearray()}
        for stream in self.buffers:
            os.set_blocking(stream.fileno(), False)
        self.lock = threading.Lock()

    def read_output(self):
        with self.lock:
            for stream, buffer in self.buffers.items():
                while not stream.closed:
                    try:
                        chunk = os.read(stream.fileno(), 65536)
                    except BlockingIOError:
                        break
                    if not chunk:
                        break
                    buffer.extend(chunk)
            return tuple(self.buffers[s].decode("utf-8", "replace") for s in (self.proc.stdout, self.proc.stderr))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        with self.lock:
            self.proc.stdout.close()
            self.proc.stderr.close()


class BootstrapTestCase:
    """Tests that hold for both runtimes; subclasses supply COMMAND and the handler sources in FIXTURES."""
    COMMAND = None
    FIXTURES = {}
    MEMORY = None  # memory limit as the handler sees it

    def setUp(self):
        self.api = FakeRuntimeApi()
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="petrel-task-"))
        self.runtime = None

    def tearDown(self):
        if self.runtime:
            self.runtime.stop()
        self.api.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # helpers

    def start(self, handler, files, env=None):
        for rel, text in files.items():
            path = os.path.join(self.root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text).lstrip("\n"))
        self.runtime = Runtime(self.COMMAND, self.root, handler, self.api.address, env)
        self.api.read_output = self.runtime.read_output

    def start_fixture(self, name):
        handler, files = self.FIXTURES[name]
        self.start(handler, files)

    def next_post(self):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                return self.api.posts.get(timeout=0.05)
            except queue.Empty:
                if self.runtime.proc.poll() is not None and self.api.posts.empty():
                    time.sleep(0.2)  # a post may still be in flight
                    if self.api.posts.empty():
                        self.fail("bootstrap exited with %s before posting; stderr:\n%s"
                                  % (self.runtime.proc.returncode, self.runtime.read_output()[1]))
        self.fail("no post within %ss; output: %r" % (WAIT, self.runtime.read_output()))

    def invoke(self, event=None, raw=None, **headers):
        body = raw if raw is not None else json.dumps(event).encode()
        request_id = self.api.queue_event(body, **headers)
        post = self.next_post()
        self.assertEqual(request_id, post.request_id, post)
        return post

    def response(self, event=None, **headers):
        post = self.invoke(event, **headers)
        self.assertEqual("response", post.kind, post)
        return post.json()

    def assert_error(self, post, kind, error_type, message=None):
        self.assertEqual(kind, post.kind, post)
        body = post.json()
        self.assertEqual({"errorMessage", "errorType", "stackTrace"}, set(body), post)
        self.assertEqual(error_type, body["errorType"], post)
        self.assertEqual(error_type, post.headers.get("Lambda-Runtime-Function-Error-Type"), post)
        self.assertIsInstance(body["stackTrace"], list)
        self.assertTrue(all(isinstance(line, str) for line in body["stackTrace"]), post)
        if message is not None:
            self.assertIn(message, body["errorMessage"], post)
        return body

    def assert_init_error(self, error_type, message=None):
        post = self.next_post()
        body = self.assert_error(post, "init-error", error_type, message)
        try:
            code = self.runtime.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.fail("bootstrap did not exit after an init error")
        self.assertNotEqual(0, code)
        return body

    # tests for both runtimes

    def test_echo_returns_event_and_context(self):
        self.start_fixture("echo")
        event = {"hello": "world", "n": [1, 2.5, None, True], "unicode": "h\u00e9llo \u2603"}
        body = self.response(event, Lambda_Runtime_Client_Context='{"custom": {"k": "v"}}',
                             Lambda_Runtime_Cognito_Identity='{"cognitoIdentityId": "id-1", '
                                                             '"cognitoIdentityPoolId": "pool-1"}')
        self.assertEqual(event, body["event"])
        self.assertEqual("echo-fn", body["functionName"])
        self.assertEqual("7", body["functionVersion"])
        self.assertEqual(self.MEMORY, body["memory"])
        self.assertEqual(ARN, body["arn"])
        self.assertEqual("/aws/lambda/echo-fn", body["logGroup"])
        self.assertEqual("2024/01/01/[7]abc", body["logStream"])
        self.assertEqual({"k": "v"}, body["clientCustom"])
        self.assertEqual("id-1", body["identityId"])
        self.assertTrue(body["trace"].startswith("Root=1-"), body)
        self.assertEqual(self.root, body["cwd"])
        self.assertTrue(0 < body["remaining"] <= 60000, body)
        self.assertEqual(36, len(body["requestId"]))

    def test_request_id_and_remaining_time_follow_each_invocation(self):
        self.start_fixture("echo")
        deadline = str(int(time.time() * 1000) + 5000)
        body = self.response({}, Lambda_Runtime_Deadline_Ms=deadline)
        self.assertTrue(0 < body["remaining"] <= 5000, body)
        post = self.invoke({"again": 1})
        self.assertEqual(post.request_id, post.json()["requestId"])

    def test_bootstrap_writes_nothing_to_stdout(self):
        self.start_fixture("echo")
        post = self.invoke({"a": 1})
        self.assertEqual("", post.stdout)

    def test_warm_invocations_import_once(self):
        self.start_fixture("counter")
        self.assertEqual({"count": 1, "imports": 1}, self.response({}))
        self.assertEqual({"count": 2, "imports": 1}, self.response({}))
        self.assertEqual({"count": 3, "imports": 1}, self.response({}))

    def test_keep_alive_reuses_one_connection(self):
        self.start_fixture("counter")
        for _ in range(4):
            self.response({})
        self.assertEqual(1, len(self.api.connections), self.api.connections)

    def test_long_poll_waits_for_an_event(self):
        self.start_fixture("echo")
        time.sleep(1.5)  # the bootstrap sits in GET /next meanwhile
        self.assertIsNone(self.runtime.proc.poll())
        self.assertEqual({"late": True}, self.response({"late": True})["event"])

    def test_handled_error_then_next_invocation_works(self):
        self.start_fixture("fail")
        body = self.assert_error(self.invoke({"fail": "x"}), "error", self.FAIL_TYPE, "bad x")
        self.assertEqual("bad x", body["errorMessage"])
        self.assertTrue(body["stackTrace"], body)
        self.assertTrue(any(self.FIXTURES["fail"][0].split(".")[0] in line for line in body["stackTrace"]), body)
        self.assertEqual({"ok": True}, self.response({}))

    def test_output_is_written_before_the_response(self):
        self.start_fixture("print")
        post = self.invoke({"n": 1})
        self.assertEqual("response", post.kind, post)
        self.assertIn("hello from %s\n" % post.request_id, post.stdout)
        self.assertIn("no newline", post.stdout)
        self.assertIn("to stderr %s\n" % post.request_id, post.stderr)
        post = self.invoke({"n": 2})
        self.assertIn("hello from %s\n" % post.request_id, post.stdout)

    def test_error_is_logged_to_stderr(self):
        self.start_fixture("fail")
        post = self.invoke({"fail": "logged"})
        self.assertIn("bad logged", post.stderr)
        self.assertIn(self.FAIL_TYPE, post.stderr)
        self.assertEqual("", post.stdout)

    def test_handler_in_subdirectory(self):
        self.start_fixture("subdir")
        self.assertEqual({"sub": "dir", "event": {"x": 1}}, self.response({"x": 1}))

    def test_empty_body_is_null_event(self):
        self.start_fixture("echo")
        post = self.invoke(raw=b"")
        self.assertEqual("response", post.kind, post)
        self.assertIsNone(post.json()["event"])

    def test_null_result(self):
        self.start_fixture("none")
        post = self.invoke({})
        self.assertEqual("response", post.kind, post)
        self.assertEqual("null", post.body)

    def test_invalid_json_event_is_unmarshal_error(self):
        self.start_fixture("echo")
        self.assert_error(self.invoke(raw=b"{not json"), "error", "Runtime.UnmarshalError")
        self.assertEqual({"ok": 1}, self.response({"ok": 1})["event"])

    def test_unserializable_result_is_marshal_error(self):
        self.start_fixture("unserializable")
        self.assert_error(self.invoke({}), "error", "Runtime.MarshalError")

    def test_init_error_missing_module(self):
        self.start("nosuchmodule.handler", {})
        self.assert_init_error("Runtime.ImportModuleError", self.MISSING_MODULE_MESSAGE)

    def test_init_error_missing_handler(self):
        self.start_fixture("missing_handler")
        self.assert_init_error("Runtime.HandlerNotFound", "handler")

    def test_init_error_syntax_error(self):
        self.start_fixture("syntax_error")
        self.assert_init_error("Runtime.UserCodeSyntaxError")

    def test_init_error_exception_at_import(self):
        self.start_fixture("import_exception")
        body = self.assert_init_error(self.IMPORT_EXCEPTION_TYPE, "boom at import")
        self.assertTrue(body["stackTrace"], body)

    def test_init_error_missing_dependency(self):
        self.start_fixture("missing_dependency")
        self.assert_init_error("Runtime.ImportModuleError", "no_such_dependency")

    def test_init_error_malformed_handler(self):
        self.start("nodot", {})
        self.assert_init_error("Runtime.MalformedHandlerName")


ECHO_PY = """
    import os, sys
    def handler(event, context):
        return {"event": event, "requestId": context.aws_request_id, "functionName": context.function_name,
                "functionVersion": context.function_version, "memory": context.memory_limit_in_mb,
                "arn": context.invoked_function_arn, "remaining": context.get_remaining_time_in_millis(),
                "logGroup": context.log_group_name, "logStream": context.log_stream_name,
                "clientCustom": context.client_context.custom if context.client_context else None,
                "identityId": context.identity.cognito_identity_id, "trace": os.environ.get("_X_AMZN_TRACE_ID"),
                "cwd": os.getcwd(), "path0": sys.path[0]}
"""


class PythonBootstrapTest(BootstrapTestCase, unittest.TestCase):
    COMMAND = [sys.executable, PYTHON_BOOTSTRAP]
    MEMORY = 256
    FAIL_TYPE = "ValueError"
    IMPORT_EXCEPTION_TYPE = "RuntimeError"
    MISSING_MODULE_MESSAGE = "Unable to import module 'nosuchmodule': No module named 'nosuchmodule'"
    FIXTURES = {
        "echo": ("app.handler", {"app.py": ECHO_PY}),
        "counter": ("app.handler", {"app.py": """
            import builtins
            builtins.petrel_imports = getattr(builtins, "petrel_imports", 0) + 1
            count = 0
            def handler(event, context):
                global count
                count += 1
                return {"count": count, "imports": builtins.petrel_imports}
        """}),
        "fail": ("app.handler", {"app.py": """
            def handler(event, context):
                if "fail" in event:
                    raise ValueError("bad " + event["fail"])
                return {"ok": True}
        """}),
        "print": ("app.handler", {"app.py": """
            import sys
            def handler(event, context):
                print("hello from", context.aws_request_id)
                sys.stdout.write("no newline")
                print("to stderr", context.aws_request_id, file=sys.stderr)
                return "ok"
        """}),
        "subdir": ("lib/handlers/mod.handler", {"lib/handlers/mod.py": """
            def handler(event, context):
                return {"sub": "dir", "event": event}
        """}),
        "none": ("app.handler", {"app.py": "def handler(event, context):\n    pass\n"}),
        "unserializable": ("app.handler", {"app.py": "def handler(event, context):\n    return {'x': object()}\n"}),
        "missing_handler": ("app.handler", {"app.py": "def other(event, context):\n    return 1\n"}),
        "syntax_error": ("app.handler", {"app.py": "def handler(event, context:\n    return 1\n"}),
        "import_exception": ("app.handler", {"app.py": "raise RuntimeError('boom at import')\n"}),
        "missing_dependency": ("app.handler", {"app.py": "import no_such_dependency\n"}),
    }

    def test_too_deeply_nested_event_is_unmarshal_error_and_the_runtime_lives_on(self):
        self.start_fixture("echo")
        self.assert_error(self.invoke(raw=b"[" * 100000 + b"]" * 100000), "error", "Runtime.UnmarshalError")
        self.assertEqual({"ok": 1}, self.response({"ok": 1})["event"])

    def test_error_stack_trace_format(self):
        self.start_fixture("fail")
        body = self.assert_error(self.invoke({"fail": "x"}), "error", "ValueError", "bad x")
        self.assertEqual(1, len(body["stackTrace"]), body)  # the bootstrap's own frames are left out
        self.assertEqual('  File "%s/app.py", line 3, in handler\n    raise ValueError("bad " + event["fail"])\n'
                         % self.root, body["stackTrace"][0])

    def test_error_log_has_traceback(self):
        self.start_fixture("fail")
        post = self.invoke({"fail": "x"})
        self.assertIn("[ERROR] ValueError: bad x\nTraceback (most recent call last):\n  File ", post.stderr)

    def test_dotted_package_module(self):
        self.start("pkg.sub.mod.handler", {"pkg/__init__.py": "", "pkg/sub/__init__.py": "",
                                           "pkg/sub/mod.py": "def handler(e, c):\n    return __name__\n"})
        self.assertEqual("pkg.sub.mod", self.response({}))

    def test_task_root_is_first_on_sys_path(self):
        self.start_fixture("echo")
        self.assertEqual(self.root, self.response({})["path0"])

    def test_task_root_module_shadows_bootstrap_directory(self):
        # a user module named like the bootstrap must win over the bootstrap's own directory
        self.start("bootstrap.handler", {"bootstrap.py": "def handler(e, c):\n    return __file__\n"})
        self.assertEqual(os.path.join(self.root, "bootstrap.py"), self.response({}))

    def test_syntax_error_message(self):
        self.start_fixture("syntax_error")
        body = self.assert_init_error("Runtime.UserCodeSyntaxError", "Syntax error in module 'app'")
        self.assertIn("app.py", body["stackTrace"][0])

    def test_missing_handler_message(self):
        self.start_fixture("missing_handler")
        self.assert_init_error("Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'")


ECHO_JS = """
    exports.handler = async (event, context) => ({
      event, requestId: context.awsRequestId, functionName: context.functionName,
      functionVersion: context.functionVersion, memory: context.memoryLimitInMB,
      arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis(),
      logGroup: context.logGroupName, logStream: context.logStreamName,
      clientCustom: context.clientContext ? context.clientContext.custom : null,
      identityId: context.identity ? context.identity.cognitoIdentityId : null,
      trace: process.env._X_AMZN_TRACE_ID, cwd: process.cwd(),
    });
"""


@unittest.skipUnless(NODE, "node is not on PATH")
class NodeBootstrapTest(BootstrapTestCase, unittest.TestCase):
    COMMAND = [NODE or "node", NODE_BOOTSTRAP]
    MEMORY = "256"
    FAIL_TYPE = "TypeError"
    IMPORT_EXCEPTION_TYPE = "RangeError"
    MISSING_MODULE_MESSAGE = "Cannot find module 'nosuchmodule'"
    FIXTURES = {
        "echo": ("index.handler", {"index.js": ECHO_JS}),
        "counter": ("index.handler", {"index.js": """
            globalThis.petrelImports = (globalThis.petrelImports || 0) + 1;
            let count = 0;
            exports.handler = async () => ({ count: ++count, imports: globalThis.petrelImports });
        """}),
        "fail": ("index.handler", {"index.js": """
            exports.handler = async (event) => {
              if (event.fail) throw new TypeError('bad ' + event.fail);
              return { ok: true };
            };
        """}),
        "print": ("index.handler", {"index.js": """
            exports.handler = async (event, context) => {
              console.log('hello from', context.awsRequestId);
              process.stdout.write('no newline');
              console.error('to stderr', context.awsRequestId);
              return 'ok';
            };
        """}),
        "subdir": ("src/handlers/app.handler", {"src/handlers/app.mjs": """
            export const handler = async (event) => ({ sub: 'dir', event });
        """}),
        "none": ("index.handler", {"index.js": "exports.handler = async () => {};\n"}),
        "unserializable": ("index.handler", {"index.js": """
            exports.handler = async () => { const o = {}; o.self = o; return o; };
        """}),
        "missing_handler": ("index.handler", {"index.js": "exports.other = async () => 1;\n"}),
        "syntax_error": ("index.handler", {"index.js": "exports.handler = async (event => 1;\n"}),
        "import_exception": ("index.handler", {"index.js": "throw new RangeError('boom at import');\n"}),
        "missing_dependency": ("index.handler", {"index.js": "require('no_such_dependency');\n"}),
    }

    def test_error_stack_trace_format(self):
        self.start_fixture("fail")
        body = self.assert_error(self.invoke({"fail": "x"}), "error", "TypeError", "bad x")
        self.assertEqual(1, len(body["stackTrace"]), body)  # the bootstrap's own frames are left out
        self.assertTrue(body["stackTrace"][0].startswith("    at "), body)
        self.assertIn(os.path.join(self.root, "index.js") + ":2:", body["stackTrace"][0])

    def test_thrown_non_error(self):
        self.start("index.handler", {"index.js": "exports.handler = async () => { throw 'plain failure'; };\n"})
        body = self.assert_error(self.invoke({}), "error", "Error", "plain failure")
        self.assertEqual([], body["stackTrace"])

    def test_sync_throw(self):
        self.start("index.handler", {"index.js": "exports.handler = () => { throw new Error('sync'); };\n"})
        self.assert_error(self.invoke({}), "error", "Error", "sync")

    def test_async_handler_awaits(self):
        self.start("index.handler", {"index.js": """
            exports.handler = async (event) => {
              await new Promise((resolve) => setTimeout(resolve, 20));
              return { waited: event.ms };
            };
        """})
        self.assertEqual({"waited": 20}, self.response({"ms": 20}))

    def test_promise_returning_handler(self):
        self.start("index.handler", {"index.js": """
            exports.handler = (event) => new Promise((resolve) => setTimeout(() => resolve(event.v * 2), 5));
        """})
        self.assertEqual(42, self.response({"v": 21}))

    def test_sync_handler_value(self):
        self.start("index.handler", {"index.js": "exports.handler = (event) => ({ sync: event.v });\n"})
        self.assertEqual({"sync": 1}, self.response({"v": 1}))

    def test_callback_handler(self):
        self.start("index.handler", {"index.js": """
            exports.handler = (event, context, callback) => {
              setTimeout(() => callback(null, { cb: event.x, id: context.awsRequestId }), 10);
            };
        """})
        post = self.invoke({"x": "y"})
        self.assertEqual("response", post.kind, post)
        self.assertEqual({"cb": "y", "id": post.request_id}, post.json())

    def test_callback_error(self):
        self.start("index.handler", {"index.js": """
            exports.handler = (event, context, callback) => { callback(new SyntaxError('cb failed')); };
        """})
        self.assert_error(self.invoke({}), "error", "SyntaxError", "cb failed")

    def test_context_succeed_and_done_legacy(self):
        self.start("index.handler", {"index.js": """
            exports.handler = (event, context, callback) => {
              if (event.now) context.succeed({ legacy: 'succeed' });
              else setTimeout(() => context.done(null, { legacy: 'done' }), 5);
            };
        """})
        self.assertEqual({"legacy": "succeed"}, self.response({"now": True}))
        self.assertEqual({"legacy": "done"}, self.response({}))

    def test_context_fail_legacy(self):
        self.start("index.handler", {"index.js": """
            exports.handler = (event, context) => { context.fail(new RangeError('legacy fail')); };
        """})
        self.assert_error(self.invoke({}), "error", "RangeError", "legacy fail")

    def test_esm_handler_mjs(self):
        self.start("app.handler", {"app.mjs": """
            import { basename } from 'node:path';
            let count = 0;
            export const handler = async (event) => ({ esm: basename(import.meta.url), count: ++count });
        """})
        self.assertEqual({"esm": "app.mjs", "count": 1}, self.response({}))
        self.assertEqual({"esm": "app.mjs", "count": 2}, self.response({}))

    def test_esm_handler_js_with_type_module(self):
        self.start("app.handler", {"package.json": '{"type": "module"}', "app.js": """
            export async function handler(event) { return { esm: typeof require, event }; }
        """})
        self.assertEqual({"esm": "undefined", "event": 3}, self.response(3))

    def test_commonjs_handler_js(self):
        self.start("app.handler", {"app.js": """
            const path = require('path');
            module.exports = { handler: async (event) => ({ cjs: path.basename(__filename), event }) };
        """})
        self.assertEqual({"cjs": "app.js", "event": "e"}, self.response("e"))

    def test_commonjs_handler_cjs(self):
        self.start("app.handler", {"package.json": '{"type": "module"}', "app.cjs": """
            exports.handler = async () => ({ cjs: __filename.endsWith('app.cjs') });
        """})
        self.assertEqual({"cjs": True}, self.response({}))

    def test_js_preferred_over_mjs(self):
        self.start("app.handler", {"app.js": "exports.handler = async () => 'js';\n",
                                   "app.mjs": "export const handler = async () => 'mjs';\n"})
        self.assertEqual("js", self.response({}))

    def test_nested_export(self):
        self.start("index.api.handler", {"index.js": "exports.api = { handler: async () => 'nested' };\n"})
        self.assertEqual("nested", self.response({}))

    def test_commonjs_in_subdirectory(self):
        self.start("lib/deep/fn.run", {"lib/deep/fn.js": "exports.run = async (e) => ({ deep: e });\n"})
        self.assertEqual({"deep": [1]}, self.response([1]))

    def test_esm_syntax_error(self):
        self.start("app.handler", {"app.mjs": "export const handler = async ( => 1;\n"})
        self.assert_init_error("Runtime.UserCodeSyntaxError", "SyntaxError")

    def test_esm_missing_dependency(self):
        self.start("app.handler", {"app.mjs": "import 'no_such_dependency';\nexport const handler = 1;\n"})
        self.assert_init_error("Runtime.ImportModuleError", "no_such_dependency")

    def test_handler_not_a_function(self):
        self.start("index.handler", {"index.js": "exports.handler = 42;\n"})
        self.assert_init_error("Runtime.HandlerNotFound", "index.handler is not a function")

    def test_missing_handler_message(self):
        self.start_fixture("missing_handler")
        self.assert_init_error("Runtime.HandlerNotFound", "index.handler is undefined or not exported")

    def test_uncaught_exception_fails_invocation_and_exits(self):
        self.start("index.handler", {"index.js": """
            exports.handler = (event, context, callback) => { setTimeout(() => { throw new Error('late'); }, 5); };
        """})
        self.assert_error(self.invoke({}), "error", "Error", "late")
        self.assertNotEqual(0, self.runtime.proc.wait(WAIT))

    def test_unhandled_rejection_fails_invocation(self):
        self.start("index.handler", {"index.js": """
            exports.handler = (event, context, callback) => { Promise.reject(new Error('nobody catches')); };
        """})
        self.assert_error(self.invoke({}), "error", "Runtime.UnhandledPromiseRejection", "nobody catches")
        self.assertNotEqual(0, self.runtime.proc.wait(WAIT))


if __name__ == "__main__":
    unittest.main(verbosity=2)
