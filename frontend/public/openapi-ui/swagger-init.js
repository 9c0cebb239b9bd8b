// Starts Swagger UI on the backend's /docs page. A file rather than an inline script so the page
// keeps the strict content-security-policy; the page passes its settings as data-* attributes.
const root = document.getElementById("swagger-ui");

window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  oauth2RedirectUrl: new URL(root.dataset.oauth2RedirectUrl, window.location.href).href,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
