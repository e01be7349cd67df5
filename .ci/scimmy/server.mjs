// The smallest in-memory Express app around npm scimmy + scimmy-routers, so the suite can be
// run against a SCIM implementation nobody here wrote. All protocol handling (parsing, filters,
// PATCH, projection, list responses, errors) is scimmy's; this file only stores objects.
// Express 4, the major scimmy-routers is developed and tested with: under Express 5 `req.query` is
// re-parsed on every access, so the routers' cast of startIndex/count to numbers is lost.
// Usage: node server.mjs PORT TOKEN
import crypto from "node:crypto";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const [port, token] = process.argv.slice(2);
const stores = {User: new Map(), Group: new Map()};

// Key-order-independent JSON, to tell whether a write changes the stored data.
const canonical = (v) => Array.isArray(v) ? `[${v.map(canonical).join(",")}]`
    : (v && typeof v === "object") ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`
    : JSON.stringify(v);
const data = ({id, meta, groups, ...rest}) => rest;

// A User's read-only "groups" is not stored: like a database view, it is joined from the stored
// Groups' members each time Users are read.
function view(kind, stored) {
    if (kind !== "User") return stored;
    const groups = [...stores.Group.values()]
        .filter((group) => (group.members ?? []).some((member) => member.value === stored.id))
        .map((group) => ({value: group.id, $ref: `${SCIMMY.Resources.Group.basepath()}/${group.id}`,
            display: group.displayName, type: "direct"}));
    return groups.length ? {...stored, groups} : stored;
}

function declare(Resource, kind, uniqueKey) {
    const store = stores[kind];
    SCIMMY.Resources.declare(Resource)
        .ingress((resource, instance) => {
            const now = new Date().toISOString();
            const existing = resource.id ? store.get(resource.id) : undefined;
            if (resource.id && !existing) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
            // A unique index, as any database would have one.
            const key = String(instance[uniqueKey] ?? "").toLowerCase();
            for (const [id, other] of store)
                if (id !== resource.id && String(other[uniqueKey] ?? "").toLowerCase() === key)
                    throw new SCIMMY.Types.Error(409, "uniqueness", `${uniqueKey} is already taken`);
            const id = resource.id ?? crypto.randomUUID();
            const values = data(JSON.parse(JSON.stringify(instance)));
            // The modification time moves only when the stored data does (scimmy hands every PATCH
            // to this handler, also one that changes nothing).
            const unchanged = existing && canonical(data(existing)) === canonical(values);
            const stored = {...values, id,
                meta: {created: existing?.meta?.created ?? now, lastModified: unchanged ? existing.meta.lastModified : now}};
            store.set(id, stored);
            return view(kind, stored);
        })
        .egress((resource) => {
            const all = [...store.values()].map((stored) => view(kind, stored));
            const found = resource.filter ? resource.filter.match(all) : all;
            if (resource.id && found.length === 0) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
            return found;
        })
        .degress((resource) => {
            if (!store.delete(resource.id)) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
        });
}

// The optional Enterprise User extension (RFC 7643 §4.3), declared the way scimmy's docs show.
declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false), "User", "userName");
declare(SCIMMY.Resources.Group, "Group", "displayName");

const app = express();
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    docUri: "https://example.com/auth",
    // The routers' hook for absolute URLs in meta.location and Bulk "location".
    baseUri: (request) => `${request.protocol}://${request.get("host")}`,
    // Who may do what is the application's decision in scimmy-routers. The service provider
    // configuration is public (RFC 7643 §5: authenticationSchemes "publicly accessible without
    // prior authentication"); everything else needs the token. The token belongs to no User, so
    // the handler returns no user id and scimmy-routers answers /Me with 501.
    handler: (request) => {
        if (request.method === "GET" && request.path === "/ServiceProviderConfig") return;
        if (request.header("Authorization") !== `Bearer ${token}`) throw new Error("Authorization failure");
    },
}));
// scimmy-routers answers every error itself and then forwards errors of status 500 and above
// "to the next middleware" so the application can log them; without a handler here, Express's
// default one would destroy the keep-alive connection after the answer was already sent.
app.use((ex, req, res, next) => res.headersSent ? console.error(ex) : next(ex));
app.listen(Number(port), "127.0.0.1", () => console.log(`scimmy on 127.0.0.1:${port}/scim/v2`));
