package handlers

import (
	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/dvcbot/dvcbot/internal/obs"
)

// tracing starts a server span per request, named "METHOD route" (the route
// pattern, never the raw path), continuing a trace the caller sent in
// traceparent, with the request id as an attribute; a 5xx marks it failed.
// Spans of the engine, search and store nest under it. Without a tracer
// provider (tracing off) it costs next to nothing.
func tracing() gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		ctx := otel.GetTextMapPropagator().Extract(c.Request.Context(), propagation.HeaderCarrier(c.Request.Header))
		ctx, span := otel.Tracer(obs.TracerName).Start(ctx, c.Request.Method+" "+route, trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		if !span.IsRecording() {
			c.Next()
			return
		}
		span.SetAttributes(attribute.String("http.request.method", c.Request.Method), attribute.String("http.route", route),
			attribute.String("dvcbot.request_id", c.GetString("request_id")))
		c.Request = c.Request.WithContext(ctx)
		c.Next()
		status := c.Writer.Status()
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= 500 {
			span.SetStatus(codes.Error, "server error")
		}
	}
}
