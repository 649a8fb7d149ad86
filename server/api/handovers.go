package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// View handles GET /api/v1/handover?agent_id=&shop_id=&at=: the handover
// view of an agent (me by default) at the end of the shift running at
// "at" (now by default) in the shop's shifts.
func (h *Handovers) View(c echo.Context) error {
	ctx := c.Request().Context()
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return err
	}
	agent, err := idParam(c, "agent_id", actor.ID)
	if err != nil {
		return err
	}
	shop, err := idParam(c, "shop_id", 0)
	if err != nil {
		return err
	}
	at, err := timeParam(c, "at")
	if err != nil {
		return err
	}
	if at == nil {
		now := time.Now()
		at = &now
	}
	v, err := h.handovers.View(ctx, agent, shop, *at)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// Create handles POST /api/v1/handovers.
func (h *Handovers) Create(c echo.Context) error {
	var in cases.HandoverInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ho, err := h.handovers.Create(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/handovers/"+strconv.FormatInt(ho.ID, 10))
	return c.JSON(http.StatusCreated, ho)
}

// Get handles GET /api/v1/handovers/{id}.
func (h *Handovers) Get(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	ho, err := h.store.Shifts().Handover(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ho)
}

// Ack handles POST /api/v1/handovers/{id}/ack; an empty body acknowledges
// every case.
func (h *Handovers) Ack(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in cases.AckInput
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	ho, err := h.handovers.Ack(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ho)
}

// List handles GET /api/v1/handovers?agent_id=&to_user_id=&shop_id=&case_id=&from=&to=&q=&pending=&limit=&cursor=.
func (h *Handovers) List(c echo.Context) error {
	q := c.QueryParams()
	f := cases.HandoverFilter{Q: q.Get("q"), Cursor: q.Get("cursor")}
	for _, p := range []struct {
		name string
		dst  **int64
	}{{"agent_id", &f.AgentID}, {"to_user_id", &f.ToUser}, {"shop_id", &f.ShopID}, {"case_id", &f.CaseID}} {
		id, err := idParam(c, p.name, 0)
		if err != nil {
			return err
		}
		if id != 0 {
			*p.dst = &id
		}
	}
	var err error
	if f.From, err = timeParam(c, "from"); err != nil {
		return err
	}
	if f.To, err = timeParam(c, "to"); err != nil {
		return err
	}
	if v := q.Get("pending"); v != "" {
		if f.Pending, err = strconv.ParseBool(v); err != nil {
			return &cases.Error{Code: cases.Malformed, Field: "pending", Message: "pending must be true or false"}
		}
	}
	if v := q.Get("shop"); v != "" && f.ShopID == nil {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return &cases.Error{Code: cases.Malformed, Field: "shop", Message: "shop must be a shop id"}
		}
		f.ShopID = &id
	}
	if err := cases.CheckText("q", f.Q, cases.MaxShortText, false); err != nil {
		return err
	}
	if f.Limit, err = limitParam(c); err != nil {
		return err
	}
	page, err := h.store.Shifts().Handovers(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// ListShops handles GET /api/v1/shops.
func (h *Handovers) ListShops(c echo.Context) error {
	shops, err := h.store.Shifts().Shops(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": shops})
}

// GetShop handles GET /api/v1/shops/{id}.
func (h *Handovers) GetShop(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	sh, err := h.store.Shifts().Shop(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sh)
}

// CreateShop handles POST /api/v1/shops (admins).
func (h *Handovers) CreateShop(c echo.Context) error {
	var in cases.ShopInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sh, err := in.Apply(cases.Shop{})
	if err != nil {
		return err
	}
	if sh, err = h.store.Shifts().CreateShop(c.Request().Context(), sh); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/shops/"+strconv.FormatInt(sh.ID, 10))
	return c.JSON(http.StatusCreated, sh)
}

// PatchShop handles PATCH /api/v1/shops/{id} (admins).
func (h *Handovers) PatchShop(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in cases.ShopInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	sh, err := h.store.Shifts().UpdateShop(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sh)
}

// idParam reads a positive id from the query, def when absent.
func idParam(c echo.Context, name string, def int64) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, &cases.Error{Code: cases.Malformed, Field: name, Message: name + " must be a positive id"}
	}
	return id, nil
}

// timeParam reads an RFC 3339 time from the query, nil when absent.
func timeParam(c echo.Context, name string) (*time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, &cases.Error{Code: cases.Malformed, Field: name, Message: name + " must be an RFC 3339 time such as 2026-03-01T08:00:00+08:00"}
	}
	return &t, nil
}
