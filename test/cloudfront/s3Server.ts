/**
 * A real S3-compatible server for the trust store tests (moto_server, in its own process group,
 * on a free port), buckets and objects put into it with boto3, and CA bundles made by python's
 * `cryptography` (installed with moto).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { after, before } from "node:test";

const has = (cmd: string, args: string[]) => {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

export const motoMissing: string | false = has("moto_server", ["-h"]) && has("python3", ["-c", "import cryptography, boto3"]) ? false : "moto_server (python3 moto) is not installed on this machine";

/**
 * A free port, found synchronously: the endpoint must be known before any hook runs (top-level
 * hooks run concurrently). It is drawn below the ephemeral range, so a server listening on port 0
 * meanwhile cannot be given it.
 */
const PORT = String.raw`
import random, socket
for _ in range(200):
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()
`;
const freePort = () => Number(execFileSync("python3", ["-c", PORT], { encoding: "utf8" }).trim());

/**
 * Starts moto_server before the file's tests and stops it after; returns its endpoint. Call it
 * before `useServer(config)`: its endpoint is written into `config.s3Endpoint` before the server starts.
 */
export function useMoto(config: { s3Endpoint?: string } = {}): () => string {
  let child: ChildProcess | undefined;
  const port = motoMissing ? 0 : freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  if (!motoMissing) config.s3Endpoint = endpoint;
  before(async () => {
    if (motoMissing) return;
    child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore", detached: true });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        // moto's own API answers only when moto (and not another server) holds the port.
        if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) break;
      } catch {
        if (Date.now() > deadline) throw new Error("moto_server did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  after(() => {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  });
  return () => endpoint;
}

const S3_SETUP = String.raw`
import boto3, json, os, sys
spec = json.loads(sys.argv[1])
s3 = boto3.client("s3", endpoint_url=os.environ["S3"], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
if spec["create"]:
    s3.create_bucket(Bucket=spec["bucket"])
    if spec["versioned"]:
        s3.put_bucket_versioning(Bucket=spec["bucket"], VersioningConfiguration={"Status": "Enabled"})
print(json.dumps([s3.put_object(Bucket=spec["bucket"], Key=k, Body=b.encode()).get("VersionId") for k, b in spec["objects"]]))
`;

/**
 * Creates a bucket (optionally versioned) and puts objects into it, through boto3 (signed, as moto
 * requires to overwrite an object of a versioned bucket). Resolves to each object's version id.
 */
export function s3Put(endpoint: string, bucket: string, objects: Array<[string, string]>, create: false | "plain" | "versioned" = false): Promise<Array<string | null>> {
  return new Promise((resolve, reject) => {
    const spec = JSON.stringify({ bucket, objects, create: !!create, versioned: create === "versioned" });
    execFile("python3", ["-c", S3_SETUP, spec], { env: { ...process.env, S3: endpoint } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`S3 setup failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

const CERTS = String.raw`
import datetime, json
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
now = datetime.datetime.now(datetime.timezone.utc)
def cert(cn, ca, days_from, days_to):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Corp")])
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now + datetime.timedelta(days=days_from)).not_valid_after(now + datetime.timedelta(days=days_to))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
print(json.dumps({"root": cert("Root CA", True, -1, 3650), "intermediate": cert("Intermediate CA", True, -1, 3650),
                  "leaf": cert("client.example.com", False, -1, 365), "expired": cert("Old CA", True, -30, -1)}))
`;

/** Self-signed PEM certificates: two CAs, a leaf (not a CA) and an expired CA. */
export function makeCertificates(): { root: string; intermediate: string; leaf: string; expired: string } {
  return JSON.parse(execFileSync("python3", ["-c", CERTS], { encoding: "utf8" }));
}
