#include <stdlib.h>
#include <string.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include "vp8.h"

int sp_vp8enc_init(sp_vp8enc *e, int w, int h, int fps, int kbps) {
	if (e->live) {
		vpx_codec_destroy(&e->ctx);
		e->live = 0;
	}
	vpx_codec_err_t r = vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &e->cfg, 0);
	if (r != VPX_CODEC_OK) return r;
	vpx_codec_enc_cfg_t *c = &e->cfg;
	c->g_w = w;
	c->g_h = h;
	c->g_timebase.num = 1;
	c->g_timebase.den = fps; // one tick a frame
	c->g_threads = 1;        // 2-core machines; a call has audio and capture too
	c->g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
	c->g_lag_in_frames = 0; // out as soon as in
	c->g_pass = VPX_RC_ONE_PASS;
	c->rc_end_usage = VPX_CBR;
	c->rc_target_bitrate = kbps;
	c->rc_min_quantizer = 2;
	c->rc_max_quantizer = 56;
	c->rc_undershoot_pct = 100;
	c->rc_overshoot_pct = 15;
	c->rc_buf_initial_sz = 500;
	c->rc_buf_optimal_sz = 600;
	c->rc_buf_sz = 1000;
	// Drop frames rather than overshoot when the target is too low for
	// the picture: a call's bandwidth estimate is a ceiling.
	c->rc_dropframe_thresh = 30;
	c->rc_resize_allowed = 0;
	c->kf_mode = VPX_KF_AUTO;
	c->kf_min_dist = 0;
	c->kf_max_dist = 3000; // key frames come on request (PLI/FIR); this is a safety net
	r = vpx_codec_enc_init(&e->ctx, vpx_codec_vp8_cx(), c, 0);
	if (r != VPX_CODEC_OK) return r;
	e->live = 1;
	vpx_codec_control(&e->ctx, VP8E_SET_CPUUSED, -6); // real-time speed 6 of 16
	vpx_codec_control(&e->ctx, VP8E_SET_NOISE_SENSITIVITY, 0);
	vpx_codec_control(&e->ctx, VP8E_SET_STATIC_THRESHOLD, 1);
	vpx_codec_control(&e->ctx, VP8E_SET_TOKEN_PARTITIONS, VP8_ONE_TOKENPARTITION);
	// A key frame may take up to 9 frames' worth of bits: big enough to
	// look right at once, small enough not to stall the link.
	vpx_codec_control(&e->ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT, 900);

	memset(&e->img, 0, sizeof e->img);
	e->img.fmt = VPX_IMG_FMT_I420;
	e->img.cs = VPX_CS_UNKNOWN;
	e->img.range = VPX_CR_STUDIO_RANGE;
	e->img.w = e->img.d_w = w;
	e->img.h = e->img.d_h = h;
	e->img.x_chroma_shift = 1;
	e->img.y_chroma_shift = 1;
	e->img.bps = 12;
	e->img.bit_depth = 8;
	e->pts = 0;
	return VPX_CODEC_OK;
}

int sp_vp8enc_encode(sp_vp8enc *e, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                     int ystride, int cstride, int force_key) {
	e->out_len = 0;
	e->key = 0;
	e->img.planes[VPX_PLANE_Y] = (uint8_t *)y;
	e->img.planes[VPX_PLANE_U] = (uint8_t *)u;
	e->img.planes[VPX_PLANE_V] = (uint8_t *)v;
	e->img.stride[VPX_PLANE_Y] = ystride;
	e->img.stride[VPX_PLANE_U] = cstride;
	e->img.stride[VPX_PLANE_V] = cstride;
	vpx_codec_err_t r = vpx_codec_encode(&e->ctx, &e->img, e->pts, 1,
	                                     force_key ? VPX_EFLAG_FORCE_KF : 0, VPX_DL_REALTIME);
	// The planes are the caller's: forget them before returning.
	e->img.planes[VPX_PLANE_Y] = e->img.planes[VPX_PLANE_U] = e->img.planes[VPX_PLANE_V] = NULL;
	if (r != VPX_CODEC_OK) return r;
	e->pts++;
	vpx_codec_iter_t it = NULL;
	const vpx_codec_cx_pkt_t *p;
	while ((p = vpx_codec_get_cx_data(&e->ctx, &it)) != NULL) {
		if (p->kind != VPX_CODEC_CX_FRAME_PKT) continue;
		size_t need = e->out_len + p->data.frame.sz;
		if (need > e->out_cap) {
			size_t cap = need * 2;
			uint8_t *b = realloc(e->out, cap);
			if (b == NULL) return VPX_CODEC_MEM_ERROR;
			e->out = b;
			e->out_cap = cap;
		}
		memcpy(e->out + e->out_len, p->data.frame.buf, p->data.frame.sz);
		e->out_len = need;
		if (p->data.frame.flags & VPX_FRAME_IS_KEY) e->key = 1;
	}
	return VPX_CODEC_OK;
}

int sp_vp8enc_set_bitrate(sp_vp8enc *e, int kbps) {
	e->cfg.rc_target_bitrate = kbps;
	return vpx_codec_enc_config_set(&e->ctx, &e->cfg);
}

void sp_vp8enc_close(sp_vp8enc *e) {
	if (e->live) vpx_codec_destroy(&e->ctx);
	e->live = 0;
	free(e->out);
	e->out = NULL;
	e->out_len = e->out_cap = 0;
}

int sp_vp8dec_init(sp_vp8dec *d) {
	vpx_codec_dec_cfg_t cfg = {.threads = 1};
	vpx_codec_err_t r = vpx_codec_dec_init(&d->ctx, vpx_codec_vp8_dx(), &cfg, 0);
	if (r != VPX_CODEC_OK) return r;
	d->live = 1;
	return VPX_CODEC_OK;
}

static void copy_plane(uint8_t *dst, int dstride, const uint8_t *src, int sstride, int w, int h) {
	for (int i = 0; i < h; i++) memcpy(dst + (size_t)i * dstride, src + (size_t)i * sstride, w);
}

void sp_vp8dec_copy(sp_vp8dec *d, uint8_t *y, uint8_t *u, uint8_t *v) {
	vpx_image_t *img = d->img;
	int cw = (d->w + 1) / 2, ch = (d->h + 1) / 2;
	copy_plane(y, d->w, img->planes[VPX_PLANE_Y], img->stride[VPX_PLANE_Y], d->w, d->h);
	copy_plane(u, cw, img->planes[VPX_PLANE_U], img->stride[VPX_PLANE_U], cw, ch);
	copy_plane(v, cw, img->planes[VPX_PLANE_V], img->stride[VPX_PLANE_V], cw, ch);
}

// too_big says whether data is a key frame larger than max_side on a side:
// a damaged or hostile header must not make the decoder allocate and
// decode a picture of up to 16383×16383.
static int too_big(const uint8_t *data, size_t n, int max_side) {
	if (n < 10 || (data[0] & 1) != 0) return 0; // a delta frame keeps the size
	if (data[3] != 0x9d || data[4] != 0x01 || data[5] != 0x2a) return 0; // libvpx rejects it
	int w = (data[6] | data[7] << 8) & 0x3fff;
	int h = (data[8] | data[9] << 8) & 0x3fff;
	return w > max_side || h > max_side;
}

int sp_vp8dec_decode(sp_vp8dec *d, const uint8_t *data, size_t n,
                     uint8_t *y, uint8_t *u, uint8_t *v, int w, int h) {
	d->img = NULL;
	if (too_big(data, n, SP_VP8_MAX_SIDE)) return SP_VP8DEC_TOO_BIG;
	d->err = vpx_codec_decode(&d->ctx, data, (unsigned int)n, NULL, 0);
	if (d->err != VPX_CODEC_OK) return SP_VP8DEC_ERROR;
	int corrupt = 0;
	if (vpx_codec_control(&d->ctx, VP8D_GET_FRAME_CORRUPTED, &corrupt) == VPX_CODEC_OK && corrupt)
		return SP_VP8DEC_CORRUPT;
	vpx_codec_iter_t it = NULL;
	vpx_image_t *img = vpx_codec_get_frame(&d->ctx, &it);
	if (img == NULL) return SP_VP8DEC_NONE;
	if (img->fmt != VPX_IMG_FMT_I420) {
		d->err = VPX_CODEC_UNSUP_FEATURE;
		return SP_VP8DEC_ERROR;
	}
	d->img = img;
	d->w = img->d_w;
	d->h = img->d_h;
	if (d->w != w || d->h != h || y == NULL) return SP_VP8DEC_RESIZE;
	sp_vp8dec_copy(d, y, u, v);
	return SP_VP8DEC_PICTURE;
}

void sp_vp8dec_close(sp_vp8dec *d) {
	if (d->live) vpx_codec_destroy(&d->ctx);
	d->live = 0;
	d->img = NULL;
}
