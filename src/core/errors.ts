/**
 * The one error type handlers throw. The protocol layer turns it into the wire shape of the
 * service (XML ErrorResponse, JSON __type, ...). When `status` is omitted the HTTP status comes
 * from the SDK schema of the error with that code, so handlers only name the code.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    /** Extra members of the error shape (e.g. QuickSight's RequestId is added by the core). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const awsError = (code: string, message: string, status?: number) => new AwsError(code, message, status);

/** 4xx errors are the caller's fault ("Sender"), 5xx the service's ("Receiver"). */
export const isSenderFault = (status: number) => status < 500;
