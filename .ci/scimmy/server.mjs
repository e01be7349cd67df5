// The smallest in-memory Express app around npm scimmy + scimmy-routers, so the suite can be
// run against a SCIM implementation nobody here wrote. All protocol handling (parsing, filters,
// PATCH, projection, list responses, errors) is scimmy's; this file only stores objects.
// Usage: node server.mjs PORT TOKEN
import crypto from "node:crypto";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

const [port, token] = process.argv.slice(2);
const stores = {User: new Map(), Group: new Map()};

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
            const stored = {...JSON.parse(JSON.stringify(instance)), id,
                meta: {created: existing?.meta?.created ?? now, lastModified: now}};
            store.set(id, stored);
            return stored;
        })
        .egress((resource) => {
            const all = [...store.values()];
            const found = resource.filter ? resource.filter.match(all) : all;
            if (resource.id && found.length === 0) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
            return found;
        })
        .degress((resource) => {
            if (!store.delete(resource.id)) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
        });
}

declare(SCIMMY.Resources.User, "User", "userName");
declare(SCIMMY.Resources.Group, "Group", "displayName");

const app = express();
app.use("/scim/v2", new SCIMMYRouters({
    type: "bearer",
    docUri: "https://example.com/auth",
    handler: (request) => {
        if (request.header("Authorization") !== `Bearer ${token}`) throw new Error("Authorization failure");
        return "scimspec";
    },
}));
app.listen(Number(port), "127.0.0.1", () => console.log(`scimmy on 127.0.0.1:${port}/scim/v2`));
