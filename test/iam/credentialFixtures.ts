/** Keys and certificates made for the test run with ssh-keygen and openssl (never checked in). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "nubis-iam-creds-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "ignore"] }).toString();

/** An RSA SSH key pair: the `ssh-rsa AAAA… comment` line and its MD5 fingerprint as ssh-keygen prints it. */
export function sshKey(bits = 2048, type = "rsa") {
  const file = join(dir, `ssh${++n}`);
  run("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", String(bits)] : []), "-N", "", "-C", `test${n}@nubis`, "-f", file]);
  const pub = readFileSync(`${file}.pub`, "utf8").trim();
  const md5 = /MD5:([0-9a-f:]+)/.exec(run("ssh-keygen", ["-l", "-E", "md5", "-f", `${file}.pub`]))![1];
  return { pub, md5, pem: () => run("ssh-keygen", ["-e", "-m", "PKCS8", "-f", `${file}.pub`]) };
}

/** A self-signed certificate and its private key (PEM); `days` until it expires. */
export function certificate(options: { days?: number; cn?: string; ec?: boolean } = {}) {
  const id = ++n;
  const key = join(dir, `key${id}.pem`);
  const cert = join(dir, `cert${id}.pem`);
  const algo = options.ec ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"] : ["-newkey", "rsa:2048"];
  run("openssl", ["req", "-x509", ...algo, "-nodes", "-keyout", key, "-out", cert, "-days", String(options.days ?? 30), "-subj", `/CN=${options.cn ?? `test${id}.nubis.test`}`]);
  const notAfter = run("openssl", ["x509", "-in", cert, "-noout", "-enddate"]).trim().replace("notAfter=", "");
  return { body: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8"), notAfter: new Date(notAfter) };
}
