// Calls as a web app writes them, against the types openapi-typescript generates from /openapi/v1.json.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:5080" });
const slug = "acme";
const org = { params: { path: { slug } } };

export async function calls(): Promise<void> {
  await api.POST("/api/v1/auth/signup", { body: { email: "ada@example.com", password: "correct horse battery" } });
  await api.PATCH("/api/v1/me", { body: { fullName: "Ada Lovelace" } });
  await api.POST("/api/v1/orgs", { body: { name: "Acme" } });
  await api.POST("/api/v1/orgs/{slug}/contacts", { ...org, body: { firstName: "Ada", email: "ada@example.com" } });
  await api.POST("/api/v1/orgs/{slug}/companies", { ...org, body: { name: "Acme", metadata: { tier: "gold", seats: 12 } } });
  await api.POST("/api/v1/orgs/{slug}/leads", { ...org, body: { name: "Grace" } });
  await api.POST("/api/v1/orgs/{slug}/deals", { ...org, body: { title: "Big deal", amount: 5000 } });
  await api.POST("/api/v1/orgs/{slug}/projects", { ...org, body: { name: "Launch" } });
  await api.PUT("/api/v1/orgs/{slug}/feature-flags/{featureKey}", { params: { path: { slug, featureKey: "crm:bulk" } }, body: { enabled: true } });
  await api.POST("/api/v1/orgs/{slug}/workflows", {
    ...org,
    body: {
      name: "Tag VIPs",
      triggerType: "contact_created",
      conditions: { rules: [{ field: "email", operator: "contains", value: "@example.com" }] },
      actions: [{ type: "add_tag", config: { tag: "vip" } }],
    },
  });
  const { data } = await api.GET("/api/v1/orgs/{slug}/workflows/{workflowId}", { params: { path: { slug, workflowId: "00000000-0000-0000-0000-000000000000" } } });
  const tag: unknown = data?.actions[0]?.config["tag"];
  console.log(tag);
}

// What the document requires is still required, and nulls go only where it allows them.
export async function refused(): Promise<void> {
  // @ts-expect-error firstName is required
  await api.POST("/api/v1/orgs/{slug}/contacts", { ...org, body: { email: "ada@example.com" } });
  // @ts-expect-error name is required
  await api.POST("/api/v1/orgs", { body: { slug: "acme" } });
  // @ts-expect-error an action needs its config
  const action: components["schemas"]["WorkflowAction"] = { type: "add_tag" };
  console.log(action);
  // @ts-expect-error a contact's first name is never null
  await api.POST("/api/v1/orgs/{slug}/contacts", { ...org, body: { firstName: null } });
  await api.POST("/api/v1/orgs/{slug}/contacts", { ...org, body: { firstName: "Ada", email: null } });
}
