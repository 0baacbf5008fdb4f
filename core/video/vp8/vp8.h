// The C side of the VP8 package: each Go call is one C call here, and all
// libvpx state (contexts, configuration, image header, output buffer)
// lives in C memory so no Go pointer outlives a call.
#ifndef SOFTPHONE_VP8_H
#define SOFTPHONE_VP8_H

#include <stddef.h>
#include <stdint.h>
#include <vpx/vpx_encoder.h>
#include <vpx/vpx_decoder.h>

typedef struct {
	vpx_codec_ctx_t ctx;
	vpx_codec_enc_cfg_t cfg;
	vpx_image_t img; // header only: the planes point at the caller's frame during one call
	int live;        // ctx is initialised
	int64_t pts;
	uint8_t *out;    // the last frame's bitstream
	size_t out_len, out_cap;
	int key;         // the last frame is a key frame
} sp_vp8enc;

int sp_vp8enc_init(sp_vp8enc *e, int w, int h, int fps, int kbps);
int sp_vp8enc_encode(sp_vp8enc *e, const uint8_t *y, const uint8_t *u, const uint8_t *v,
                     int ystride, int cstride, int force_key);
int sp_vp8enc_set_bitrate(sp_vp8enc *e, int kbps);
void sp_vp8enc_close(sp_vp8enc *e);

// What sp_vp8dec_decode did.
enum {
	SP_VP8DEC_PICTURE = 0, // the picture is copied into the caller's planes
	SP_VP8DEC_NONE = 1,    // no picture came out
	SP_VP8DEC_RESIZE = 2,  // a picture of w×h is waiting: call sp_vp8dec_copy with planes that size
	SP_VP8DEC_ERROR = 3,   // err says why
	SP_VP8DEC_CORRUPT = 4, // decoded, but from damaged references
	SP_VP8DEC_TOO_BIG = 5  // a key frame larger than SP_VP8_MAX_SIDE
};

// The largest picture side the decoder takes (4K screens fit).
#define SP_VP8_MAX_SIDE 4096

typedef struct {
	vpx_codec_ctx_t ctx;
	int live;
	vpx_image_t *img; // the picture waiting for sp_vp8dec_copy
	int w, h;
	vpx_codec_err_t err;
} sp_vp8dec;

int sp_vp8dec_init(sp_vp8dec *d);
int sp_vp8dec_decode(sp_vp8dec *d, const uint8_t *data, size_t n,
                     uint8_t *y, uint8_t *u, uint8_t *v, int w, int h);
void sp_vp8dec_copy(sp_vp8dec *d, uint8_t *y, uint8_t *u, uint8_t *v);
void sp_vp8dec_close(sp_vp8dec *d);

#endif
